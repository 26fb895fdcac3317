// The daemon keeps one parse cache for its life, beside the state (issue 19 item 1): reloads reuse unchanged
// files, and an edit that kept the file's mtime (another size) still reaches a submit.
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from './daemon-process.js';
import { until, videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

describe('reelctl run with the parse cache', () => {
  it('fills parse-cache.json beside the state and still sees an mtime-preserving edit', async () => {
    w = await workspace();
    const old = new Date(Date.now() - 3600_000);
    const put = (name: string, text: string) => {
      w.write(name, text);
      utimesSync(path.join(w.manifests, name), old, old);
    };
    put('a.yaml', videoYaml('alpha'));
    put('b.yaml', videoYaml('beta'));
    const { child } = startDaemon(w);
    try {
      await until('both ready', () => existsSync(path.join(w.out, 'alpha.mp4')) && existsSync(path.join(w.out, 'beta.mp4')), 20_000, 100);
      const cacheFile = path.join(path.dirname(w.state), 'parse-cache.json');
      const entries = () =>
        Object.keys(JSON.parse(readFileSync(cacheFile, 'utf8')).entries)
          .map((k) => path.basename(k))
          .sort();
      expect(entries()).toEqual(['a.yaml', 'b.yaml']);
      put('b.yaml', videoYaml('beta', 'a calm lake at dawn, beta, now with herons')); // same mtime, other size
      await until('the edited beta submitted', () => w.sim.stats().accepted === 3, 20_000, 100);
    } finally {
      child.kill('SIGTERM');
      await child;
    }
  });
});
