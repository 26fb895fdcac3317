// `reelctl describe NAME`: everything known about one video, gathered here and rendered by the describe
// views (views/describe.ts: like `kubectl describe`, or with -o json one object for scripts).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ReelctlError } from '../errors.js';
import { loadManifests } from '../manifest/load.js';
import { didYouMean } from '../manifest/suggest.js';
import { specHash } from '../manifest/spec-hash.js';
import { eventsFileFor } from '../state/open.js';
import { readStateOnce } from '../state/read-once.js';
import { globalOptions, manifestPaths } from './context.js';
import { DESCRIBE_FORMATS, DESCRIBE_VIEWS, type Described } from './views/describe.js';
import { pickFormat } from './views/view.js';

export function register(program: Command): void {
  program
    .command('describe')
    .description('show one video: manifest source, state, conditions, attempts, recent events and sidecar')
    .argument('<name>', 'metadata.name of the video')
    .argument('[paths...]', 'manifest files or directories (default: ./manifests)')
    .option('-o, --output <format>', 'text or json', 'text')
    .addHelpText('after', '\nExamples:\n  reelctl describe rainy-neon-alley-pursuit\n  reelctl describe rainy-neon-alley-pursuit -o json | jq .events')
    .action(async (name: string, paths: string[], f: { output: string }, cmd: Command) => {
      const view = DESCRIBE_VIEWS[pickFormat(f, DESCRIBE_FORMATS, 'text')](process.stdout);
      const g = globalOptions(cmd);
      const state = await readStateOnce(g.state, g.out, process.env);
      const loaded = await loadManifests(manifestPaths(paths));
      const m = loaded.videos.find((v) => v.name === name);
      const v = state?.videos[name];
      if (!m && !v) {
        const known = new Set([...loaded.videos.map((x) => x.name), ...Object.keys(state?.videos ?? {})]);
        throw new ReelctlError(`no video named "${name}" in the manifests or the state${didYouMean(name, known)}`, { code: 'describe.not-found' });
      }
      const events = await readEvents(eventsFileFor(g.state, g.out), name);
      const first = v?.outputs[0];
      const sidecarFile = first ? path.join(g.out, first.path + '.json') : undefined;
      const side = sidecarFile ? await readFile(sidecarFile, 'utf8').catch(() => undefined) : undefined;
      const d: Described = {
        name,
        manifest: m ? { file: m.source.file, line: m.source.line, labels: m.labels, specHash: specHash(m), suspend: m.suspend } : null,
        state: v ?? null,
        events,
        sidecar: sidecarFile ? { file: sidecarFile, content: side === undefined ? null : parseOr(side) } : null,
      };
      view.render(d);
    });
}

/** The video's last events from the JSONL log (the rotated file first), parsed; bad lines skipped. */
async function readEvents(file: string, name: string, limit = 10): Promise<Record<string, unknown>[]> {
  const text = (await readFile(file + '.1', 'utf8').catch(() => '')) + (await readFile(file, 'utf8').catch(() => ''));
  const key = `"name":${JSON.stringify(name)}`;
  return text
    .split('\n')
    .filter((l) => l.includes(key))
    .slice(-limit)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
