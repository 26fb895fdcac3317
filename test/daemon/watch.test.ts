import { mkdtemp, rename, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { FakeClock, systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import { isIgnoredPath, watchManifests, type ManifestWatcher } from '../../src/daemon/watch.js';
import { watch, type FSWatcher } from 'node:fs';
import { waitFor } from './fakes.js';

const file = { isFile: () => true } as import('node:fs').Stats;

describe('isIgnoredPath', () => {
  it('ignores editor swap, backup, lock and temp files and dot-files', () => {
    for (const p of [
      '/m/.a.yaml.swp',
      '/m/.a.yaml.swx',
      '/m/a.yaml.swx',
      '/m/a.yaml~',
      '/m/.#a.yaml',
      '/m/#a.yaml#',
      '/m/4913',
      '/m/a.yaml.tmp',
      '/m/.hidden',
      '/m/.git',
    ])
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

describe('watchManifests (real fs.watch on a temp dir)', () => {
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

  // The debounce runs on a FakeClock and the watcher logs every file event it accepts (debug): a test waits
  // for those events, then moves time itself — no fixed sleeps, and the debounce is exercised exactly.
  const seen: string[] = [];
  const startFake = async (debounceMs: number) => {
    const clock = new FakeClock();
    seen.length = 0;
    const logger = pino(
      { level: 'debug', base: undefined },
      { write: (l: string) => void (JSON.parse(l).msg === 'manifest change' && seen.push(JSON.parse(l).path as string)) },
    );
    w = watchManifests({ paths: [dir], debounceMs, clock, logger, onChange: (c) => calls.push(c) });
    await w.ready;
    return clock;
  };
  const accepted = (...names: string[]) => waitFor(() => names.every((n) => seen.includes(path.join(dir, n))));

  it('does not fire for editor temp/swap files or non-YAML files', async () => {
    const clock = await startFake(50);
    for (const f of ['.a.yaml.swp', 'a.yaml~', '.#a.yaml', '#a.yaml#', '4913', 'a.yaml.tmp', 'notes.txt', '.hidden.yaml'])
      await writeFile(path.join(dir, f), 'junk');
    // Real saves afterwards prove the watcher is alive; the second one, written last, lets the junk's events
    // (written first) arrive before we look. Nothing is reported before the debounce ends: one call, both files.
    await writeFile(path.join(dir, 'real.yaml'), 'x: 1\n');
    await writeFile(path.join(dir, 'real2.yaml'), 'x: 1\n');
    await accepted('real.yaml', 'real2.yaml');
    expect(calls).toEqual([]);
    await clock.advance(50);
    expect(calls).toEqual([[path.join(dir, 'real.yaml'), path.join(dir, 'real2.yaml')]]);
    // Only the real files were accepted; under load a file may be reported twice (created, then written).
    expect([...new Set(seen)].sort()).toEqual([path.join(dir, 'real.yaml'), path.join(dir, 'real2.yaml')]);
  });

  it('coalesces a burst of saves into one change: the debounce restarts at every save', async () => {
    const clock = await startFake(300);
    for (let i = 0; i < 5; i++) {
      await writeFile(path.join(dir, `v${i}.yaml`), `i: ${i}\n`);
      await accepted(`v${i}.yaml`);
      await clock.advance(200); // 800 ms of burst in all, never 300 ms of quiet
      expect(calls).toEqual([]);
    }
    // A full debounce of quiet: the watcher may still deliver a late second event for the last file (created, then
    // change), which restarts the debounce at the fake time it arrives; 300 ms covers it.
    await clock.advance(300);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual([0, 1, 2, 3, 4].map((i) => path.join(dir, `v${i}.yaml`)));
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
    const clock = await startFake(50);
    await w!.close();
    // A second, live watcher on the same directory is the witness that the file event was delivered.
    const witness: string[][] = [];
    const live = watchManifests({ paths: [dir], debounceMs: 1, clock: systemClock, logger: silentLogger(), onChange: (c) => witness.push(c) });
    await live.ready;
    try {
      await writeFile(path.join(dir, 'late.yaml'), 'x: 1\n');
      await waitFor(() => witness.length > 0);
      await clock.advance(50);
      expect(seen).toEqual([]);
      expect(calls).toEqual([]);
    } finally {
      await live.close();
    }
  });
});

describe('watchManifests: a watch error', () => {
  it('reports the burst as unsure (events may be lost: the daemon reloads everything)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'reelctl-watch-err-'));
    const calls: { changed: string[]; unsure: boolean }[] = [];
    const inner: FSWatcher[] = [];
    const w = watchManifests({
      paths: [dir],
      debounceMs: 20,
      clock: systemClock,
      logger: silentLogger(),
      onChange: (changed, _at, unsure) => calls.push({ changed, unsure }),
      watchWith: (p, listener) => {
        const w = watch(p, listener);
        inner.push(w);
        return w;
      },
    });
    try {
      await w.ready;
      inner[0]!.emit('error', Object.assign(new Error('inotify queue overflow'), { code: 'ENOSPC' }));
      await waitFor(() => calls.length === 1);
      expect(calls[0]).toEqual({ changed: [], unsure: true });
      await writeFile(path.join(dir, 'a.yaml'), 'x: 1\n');
      await waitFor(() => calls.length === 2);
      expect(calls[1]).toEqual({ changed: [path.join(dir, 'a.yaml')], unsure: false }); // the next burst is sure again
    } finally {
      await w.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// Issue 19: the tree is watched per directory (one fs.watch each), not per manifest file, and what the
// per-file watches used to see is still seen.
describe('watchManifests: one watch per directory', () => {
  let dir: string;
  let w: ManifestWatcher | undefined;
  let calls: string[][];
  let opened: string[];
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelctl-watch-tree-'));
    calls = [];
    opened = [];
  });
  afterEach(async () => {
    await w?.close();
    w = undefined;
    await rm(dir, { recursive: true, force: true });
  });
  const start = async (paths = [dir]) => {
    w = watchManifests({
      paths,
      debounceMs: 20,
      clock: systemClock,
      logger: silentLogger(),
      onChange: (c) => calls.push(c),
      watchWith: (p, listener) => {
        opened.push(p);
        return watch(p, listener);
      },
    });
    await w.ready;
  };
  const seen = (p: string) => calls.flat().includes(p);

  it('watches the directories, not the files in them', async () => {
    await mkdir(path.join(dir, 'a', 'b'), { recursive: true });
    await mkdir(path.join(dir, '.git'));
    for (const f of ['x.yaml', 'a/y.yaml', 'a/b/z.yml', 'a/b/w.yaml']) await writeFile(path.join(dir, f), 'x: 1\n');
    await start();
    expect(opened.sort()).toEqual([dir, path.join(dir, 'a'), path.join(dir, 'a', 'b')]);
  });

  it('sees a save, a new file and a deletion in a subdirectory that existed at start', async () => {
    await mkdir(path.join(dir, 'a', 'b'), { recursive: true });
    await writeFile(path.join(dir, 'a', 'b', 'old.yaml'), 'x: 1\n');
    await writeFile(path.join(dir, 'a', 'b', 'gone.yaml'), 'x: 1\n');
    await start();
    await writeFile(path.join(dir, 'a', 'b', 'old.yaml'), 'x: 2\n');
    await writeFile(path.join(dir, 'a', 'b', 'new.yaml'), 'x: 1\n');
    await rm(path.join(dir, 'a', 'b', 'gone.yaml'));
    await waitFor(() => ['old.yaml', 'new.yaml', 'gone.yaml'].every((f) => seen(path.join(dir, 'a', 'b', f))));
  });

  it('follows a directory renamed inside the tree: the old and new paths are reported, saves under the new one are seen', async () => {
    await mkdir(path.join(dir, 'a'));
    await writeFile(path.join(dir, 'a', 'v.yaml'), 'x: 1\n');
    await start();
    await rename(path.join(dir, 'a'), path.join(dir, 'b'));
    await waitFor(() => seen(path.join(dir, 'a')) && seen(path.join(dir, 'b')));
    calls.length = 0;
    await writeFile(path.join(dir, 'b', 'v.yaml'), 'x: 2\n');
    await waitFor(() => seen(path.join(dir, 'b', 'v.yaml')));
    expect(calls.flat().some((p) => p.startsWith(path.join(dir, 'a') + path.sep))).toBe(false);
  });

  it('reports a write to a symlinked manifest’s target under the link’s name', async () => {
    await mkdir(path.join(dir, 'data'));
    await writeFile(path.join(dir, 'data', 'real.txt'), 'x: 1\n');
    await symlink(path.join(dir, 'data', 'real.txt'), path.join(dir, 'link.yaml'));
    await start();
    await writeFile(path.join(dir, 'data', 'real.txt'), 'x: 2\n');
    await waitFor(() => seen(path.join(dir, 'link.yaml')));
  });

  it('watches a file given as a root, and only it in its directory', async () => {
    const file = path.join(dir, 'one.yaml');
    await writeFile(file, 'x: 1\n');
    await start([file]);
    await writeFile(path.join(dir, 'other.yaml'), 'x: 1\n');
    await writeFile(file, 'x: 2\n');
    await waitFor(() => seen(file));
    expect(calls.flat()).not.toContain(path.join(dir, 'other.yaml'));
  });
});
