// `reelctl version` (kubectl's habit): the version, and with -o json the runtime it runs on, for bug reports.
import type { Command } from 'commander';
import { packageVersion } from './package-version.js';
import { VERSION_FORMATS, VERSION_VIEWS, type VersionInfo } from './views/version.js';
import { pickFormat } from './views/view.js';

export function versionInfo(): VersionInfo {
  return { version: packageVersion(), node: process.version, platform: `${process.platform}/${process.arch}` };
}

export function register(program: Command): void {
  program
    .command('version')
    .description('print the reelctl version (with -o json: also Node.js and the platform)')
    .option('-o, --output <format>', 'text or json', 'text')
    .addHelpText('after', '\nExamples:\n  reelctl version\n  reelctl version -o json')
    .action((f: { output: string }) => {
      VERSION_VIEWS[pickFormat(f, VERSION_FORMATS, 'text')](process.stdout).render(versionInfo());
    });
}
