// `reelctl describe NAME`: everything known about one video, like `kubectl describe`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ReelctlError } from '../errors.js';
import { printable } from '../log.js';
import { loadManifests } from '../manifest/load.js';
import { specHash } from '../plan/spec-hash.js';
import { eventsFileFor, readStateOnce } from '../state/open.js';
import { globalOptions, manifestPaths } from './context.js';
import { usd } from './style.js';

export function register(program: Command): void {
  program
    .command('describe')
    .description('show one video: manifest source, state, conditions, attempts, recent events and sidecar')
    .argument('<name>', 'metadata.name of the video')
    .argument('[paths...]', 'manifest files or directories (default: ./manifests)')
    .addHelpText('after', '\nExamples:\n  reelctl describe rainy-neon-alley-pursuit')
    .action(async (name: string, paths: string[], _f: unknown, cmd: Command) => {
      const g = globalOptions(cmd);
      const state = await readStateOnce(g.state, g.out);
      const loaded = await loadManifests(manifestPaths(paths));
      const m = loaded.videos.find((v) => v.name === name);
      const v = state?.videos[name];
      if (!m && !v) throw new ReelctlError(`no video named "${name}" in the manifests or the state`, { code: 'describe.not-found' });
      const out: string[] = [`Name:        ${name}`];
      if (m) out.push(`Manifest:    ${m.source.file}:${m.source.line}`, `Labels:      ${Object.entries(m.labels).map(([k, x]) => `${k}=${x}`).join(', ') || '<none>'}`, `Desired:     ${specHash(m)}${m.suspend ? ' (suspended)' : ''}`);
      else out.push('Manifest:    <removed>');
      if (v) {
        out.push(`Phase:       ${v.phase}${v.message ? ` — ${v.message}` : ''}`, `Recorded:    ${v.specHash}${m && specHash(m) !== v.specHash ? '  (differs from desired: plan will replace)' : ''}`, `Cost:        ${usd(v.costUsd)}`, 'Outputs:');
        for (const o of v.outputs) out.push(`  ${o.path}  ${o.bytes} bytes  sha256:${o.sha256.slice(0, 16)}…  task ${o.taskUUID}`);
        if (v.outputs.length === 0) out.push('  <none>');
        out.push('Conditions:');
        for (const c of v.conditions) out.push(`  ${c.type}=${c.status}  ${c.reason}: ${c.message}  (${c.lastTransitionTime})`);
        out.push('Attempts:');
        for (const a of v.attempts) out.push(`  ${a.taskUUID}  ${a.state}  sent ${a.sends}×  ${a.costUsd !== undefined ? usd(a.costUsd) : `reserved ${usd(a.reservedUsd)}`}${a.error ? `  ${a.error.code}: ${a.error.message}` : ''}`);
        out.push('History:');
        for (const h of v.history) out.push(`  ${h.at}  ${h.phase}${h.message ? `  ${h.message}` : ''}`);
        const events = await readFile(eventsFileFor(g.state, g.out), 'utf8').catch(() => '');
        const mine = events.split('\n').filter((l) => l.includes(`"name":${JSON.stringify(name)}`)).slice(-10);
        out.push('Events:', ...(mine.length ? mine.map((l) => `  ${l}`) : ['  <none>']));
        const first = v.outputs[0];
        if (first) {
          const side = await readFile(path.join(g.out, first.path + '.json'), 'utf8').catch(() => undefined);
          out.push(`Sidecar:     ${side ? path.join(g.out, first.path + '.json') : '<missing>'}`);
          if (side) out.push(...side.trimEnd().split('\n').map((l) => `  ${l}`));
        }
      } else out.push('Phase:       <not in state: plan will create>');
      // Every line carries manifest or API text (paths, labels, messages, event lines): escaped at this edge.
      process.stdout.write(out.map(printable).join('\n') + '\n');
    });
}
