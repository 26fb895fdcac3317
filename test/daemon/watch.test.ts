import { mkdtemp, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import { isIgnoredPath, watchManifests, type ManifestWatcher } from '../../src/daemon/watch.js';
import { waitFor } from './fakes.js';

const file = { isFile: () => true } as import('node:fs').Stats;

describe('isIgnoredPath', () => {
  it('ignores editor swap, backup, lock and temp files and dot-files', () => {
    for (const p of ['/m/.a.yaml.swp', '/m/.a.yaml.swx', '/m/a.yaml.swx', '/m/a.yaml~', '/m/.#a.yaml', '/m/#a.yaml#', '/m/4913', '/m/a.yaml.tmp', '/m/.hidden', '/m/.git'])
      expect(isIgnoredPath(p), p).toBe(true);
  });
  it('ignores non-YAML files but not directories or manifests', () => {
    expect(isIgnoredPath('/m/readme.md', file)).toBe(true);
    expect(isIgnoredPath('/m/a.yaml', file)).toBe(false);
    expect(isIgnoredPath('/m/b.YML', file)).toBe(false);
    expect(isIgnoredPath('/m/sub')).toBe(false);
  });
  it('never ignores a watched root, even a dot-dir', () => {
    expect(isIgnoredPath('/tmp/.manifests', undefined, ['/tmp/.manifests'])).toBe(false);
  });
});

describe('watchManifests (real chokidar on a temp dir)', () => {
  let dir: string;
  let w: ManifestWatcher | undefined;
  let calls: string[][];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelctl-watch-'));
    calls = [];
  });
  afterEach(async () => {
    await w?.close();
    w = undefined;
    await rm(dir, { recursive: true, force: true });
  });
  const start = async (debounceMs = 100) => {
    w = watchManifests({ paths: [dir], debounceMs, clock: systemClock, logger: silentLogger(), onChange: (c) => calls.push(c) });
    await w.ready;
  };

  it('reports a newly added manifest file', async () => {
    await start();
    await writeFile(path.join(dir, 'new.yaml'), 'x: 1\n');
    await waitFor(() => calls.length === 1);
    expect(calls[0]).toEqual([path.join(dir, 'new.yaml')]);
  });

  it('reports manifests in subdirectories created after start', async () => {
    await start();
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'sub', 'deep.yml'), 'x: 1\n');
    await waitFor(() => calls.flat().includes(path.join(dir, 'sub', 'deep.yml')));
  });

  it('does not fire for editor temp/swap files or non-YAML files', async () => {
    await start(50);
    for (const f of ['.a.yaml.swp', 'a.yaml~', '.#a.yaml', '#a.yaml#', '4913', 'a.yaml.tmp', 'notes.txt', '.hidden.yaml'])
      await writeFile(path.join(dir, f), 'junk');
    // A real save afterwards proves the watcher is alive, and that only it was reported.
    await new Promise((r) => setTimeout(r, 300));
    await writeFile(path.join(dir, 'real.yaml'), 'x: 1\n');
    await waitFor(() => calls.length >= 1);
    await new Promise((r) => setTimeout(r, 150));
    expect(calls).toEqual([[path.join(dir, 'real.yaml')]]);
  });

  it('coalesces a burst of saves into one change', async () => {
    await start(300);
    for (let i = 0; i < 5; i++) {
      await writeFile(path.join(dir, `v${i}.yaml`), `i: ${i}\n`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await waitFor(() => calls.length >= 1);
    await new Promise((r) => setTimeout(r, 400));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(5);
  });

  it('treats an atomic save (write temp, rename over) as a change of the manifest', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'v: 1\n');
    await start();
    await writeFile(path.join(dir, 'a.yaml.tmp'), 'v: 2\n');
    await rename(path.join(dir, 'a.yaml.tmp'), path.join(dir, 'a.yaml'));
    await waitFor(() => calls.length >= 1);
    expect(calls.flat()).toEqual([path.join(dir, 'a.yaml')]);
  });

  it('stops reporting after close', async () => {
    await start(50);
    await w!.close();
    await writeFile(path.join(dir, 'late.yaml'), 'x: 1\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toEqual([]);
  });
});
