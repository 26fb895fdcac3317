// `reelctl validate [PATH…]`: schema + cross-field rules; no state, no network.
import type { Command } from 'commander';
import { ManifestError } from '../errors.js';
import { loadManifests, type LoadOptions } from '../manifest/load.js';
import type { LoadCacheOptions } from '../manifest/load-cache.js';
import type { LoadResult } from '../manifest/model.js';
import { globalOptions, manifestPaths } from './context.js';
import { manifestCache } from './manifest-cache.js';
import { VALIDATE_VIEWS } from './views/validate.js';

export async function loadOrThrow(paths: string[], opts: LoadOptions & LoadCacheOptions = {}): Promise<LoadResult> {
  const result = await loadManifests(paths, opts);
  if (result.problems.length > 0) throw new ManifestError(result.problems);
  return result;
}

export function register(program: Command): void {
  program
    .command('validate')
    .summary('check manifests against the schema and the model rules')
    .description(
      'Check manifests against the schema and the model rules. Prints every problem at once as FILE:LINE:COL: message.\nNo state is read and nothing is sent anywhere.',
    )
    .argument('[paths...]', 'manifest files or directories (default: ./manifests)')
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      '\nExamples:\n  reelctl validate                      # everything under ./manifests\n  reelctl validate videos/ promo.yaml   # several paths\n  reelctl validate --json | jq .problems\n\nExit codes: 0 valid, 1 invalid.',
    )
    .action(async (paths: string[], opts: { json?: boolean }, cmd: Command) => {
      const loaded = await loadManifests(manifestPaths(paths), await manifestCache(globalOptions(cmd).state));
      const result = { files: loaded.files.length, videos: loaded.videos.length, problems: loaded.problems };
      // For people, problems are the error report (report-error.ts); --json carries them in its result.
      if (!opts.json && result.problems.length > 0) throw new ManifestError(result.problems);
      VALIDATE_VIEWS[opts.json ? 'json' : 'human'](process.stdout).render(result);
      if (result.problems.length > 0) process.exitCode = 1;
    });
}
