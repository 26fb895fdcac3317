// The built loader splits large trees across a worker thread; the result must equal a single-threaded load.
import { copyFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { ROOT } from './cli.js';
import { generateManifests } from '../../bench/gen/manifests.js';

const tmp = tempDirs();

describe('parallel loading of large trees', () => {
  it('gives the same videos and problems, in the same order, as loading file by file', async () => {
    const dir = tmp('reelctl-par-');
    await generateManifests(dir, { count: 2100, seed: 5 });
    const built = (await import(path.join(ROOT, 'dist/src/manifest/load.js'))) as typeof import('../../src/manifest/load.js');
    const files = await import(path.join(ROOT, 'dist/src/manifest/files.js'));
    const parallel = await built.loadManifests([dir], { cwd: dir, parallelThreshold: 2000 });
    const found = await files.findManifestFiles([dir]);
    const serial = (await built.loadFiles(found.files, { cwd: dir, maxFileBytes: 1 << 20 })).flatMap((r) => r.videos);
    expect(parallel.problems).toEqual([]);
    expect(parallel.videos.map((v) => v.name)).toEqual(serial.map((v) => v.name));
    expect(parallel.videos[1500]).toEqual(serial[1500]);
  }, 60_000);
});

describe('parallel loading: problems and spec hashes', () => {
  it('the invalid corpus spread over the tree is reported as a serial load reports it (FILE:LINE:COL), spec hashes equal', async () => {
    const dir = tmp('reelctl-par-bad-');
    await generateManifests(dir, { count: 1500, seed: 7, dirs: 3 });
    // Every invalid fixture, placed among the valid files so that both threads meet some of them.
    const corpus = path.join(ROOT, 'test', 'fixtures', 'invalid');
    readdirSync(corpus)
      .filter((f) => f.endsWith('.yaml'))
      .forEach((f, i) => copyFileSync(path.join(corpus, f), path.join(dir, `batch-${i % 3}`, `video-${(i * 13) % 1500}-${f}`)));
    const built = (await import(path.join(ROOT, 'dist/src/manifest/load.js'))) as typeof import('../../src/manifest/load.js');
    const hash = (await import(path.join(ROOT, 'dist/src/manifest/spec-hash.js'))) as typeof import('../../src/manifest/spec-hash.js');
    const parallel = await built.loadManifests([dir], { cwd: dir, parallelThreshold: 100 });
    const serial = await built.loadManifests([dir], { cwd: dir, parallel: false });
    expect(parallel.problems.length).toBeGreaterThan(100);
    expect(parallel.problems).toEqual(serial.problems);
    expect(parallel.videos).toEqual(serial.videos);
    // The worker's videos come with the hashes it computed: each must be the hash of the video itself.
    expect(parallel.videos.map((v) => hash.specHash(v))).toEqual(serial.videos.map((v) => hash.specHash(v)));
  }, 60_000);
});

describe('10,000 manifests (reliability.md input row)', () => {
  it('load and validate without a problem, every name unique, in well under a minute', async () => {
    const dir = tmp('reelctl-10k-');
    await generateManifests(dir, { count: 10_000, seed: 9, perFile: 2 });
    const built = (await import(path.join(ROOT, 'dist/src/manifest/load.js'))) as typeof import('../../src/manifest/load.js');
    const t0 = performance.now();
    const r = await built.loadManifests([dir]);
    expect(r.problems).toEqual([]);
    expect(new Set(r.videos.map((v) => v.name)).size).toBe(10_000);
    expect(performance.now() - t0).toBeLessThan(60_000);
  }, 120_000);
});
