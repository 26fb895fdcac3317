// The parse cache is invisible (issue 19 item 1): a load (and the plan made from it) with the cache
// equals one without it, after edits, renames, deletions, mtime-preserving edits (size or inode differ)
// and a reelctl version change; files with problems are never cached.
import { mkdtemp, readFile, rename, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load.js';
import { openParseCache, RACY_MS } from '../../src/manifest/parse-cache.js';
import { createPlan } from '../../src/plan/planner.js';

const manifest = (name: string, prompt = 'a calm lake at dawn, mist over the water', extra = '') =>
  `apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: ${name}\nspec:\n  request:\n    model: klingai:kling-video@3-standard\n    positivePrompt: ${prompt}\n    duration: 5\n${extra}`;

let dir: string;
let cacheFile: string;
const OLD = new Date(Date.now() - 3600_000); // files older than the racy window are cacheable

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'reelctl-cache-'));
  cacheFile = path.join(dir, 'parse-cache.json');
  await writeFile(path.join(dir, '.keep'), '');
  for (const n of ['a', 'b', 'c']) await put(`m/${n}.yaml`, manifest(`video-${n}`));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function put(rel: string, text: string, mtime = OLD): Promise<void> {
  const file = path.join(dir, rel);
  await (await import('node:fs/promises')).mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  await utimes(file, mtime, mtime);
}

/** Loads and plans with a fresh cache object on the cache file, and without any cache; both must agree. */
async function compare(version = '1.0.0') {
  const cache = await openParseCache(cacheFile, { version });
  const withCache = await loadManifests([path.join(dir, 'm')], { cwd: dir, cache });
  const fresh = await loadManifests([path.join(dir, 'm')], { cwd: dir });
  expect(withCache).toEqual(fresh);
  expect(createPlan(withCache.videos, null)).toEqual(createPlan(fresh.videos, null));
  return { hits: cache.hits, result: withCache };
}

describe('parse cache', () => {
  it('reuses unchanged files and is invisible after edits, renames and deletions', async () => {
    expect((await compare()).hits).toBe(0);
    expect((await compare()).hits).toBe(3);
    await put('m/b.yaml', manifest('video-b', 'a stormy sea under a red sky at night')); // edited (new size and mtime)
    let r = await compare();
    expect(r.hits).toBe(2);
    expect(r.result.videos.find((v) => v.name === 'video-b')!.request.positivePrompt).toContain('stormy');
    await rename(path.join(dir, 'm/c.yaml'), path.join(dir, 'm/renamed.yaml'));
    r = await compare();
    expect(r.result.videos.map((v) => v.source.file)).toContain(path.join('m', 'renamed.yaml'));
    await unlink(path.join(dir, 'm/a.yaml'));
    r = await compare();
    expect(r.result.videos.map((v) => v.name).sort()).toEqual(['video-b', 'video-c']);
    expect(
      Object.keys(JSON.parse(await readFile(cacheFile, 'utf8')).entries)
        .map((k) => path.basename(k))
        .sort(),
    ).toEqual(['b.yaml', 'renamed.yaml']);
  });

  it('sees an edit that kept the mtime when the size differs', async () => {
    await compare();
    const file = path.join(dir, 'm/a.yaml');
    const before = (await stat(file, { bigint: true })).mtimeNs;
    await put('m/a.yaml', manifest('video-a', 'a calm lake at dawn, mist over the water, longer'), OLD);
    expect((await stat(file, { bigint: true })).mtimeNs).toBe(before);
    const r = await compare();
    expect(r.hits).toBe(2);
    expect(r.result.videos.find((v) => v.name === 'video-a')!.request.positivePrompt).toContain('longer');
  });

  it('sees a same-size, same-mtime replacement by its new inode (an editor writing a new file and renaming it)', async () => {
    await compare();
    const tmp = path.join(dir, 'tmp.yaml');
    await writeFile(tmp, manifest('video-a', 'a calm lake at dusk, mist over the water')); // dawn → dusk: same size
    await utimes(tmp, OLD, OLD);
    await rename(tmp, path.join(dir, 'm/a.yaml'));
    const r = await compare();
    expect(r.hits).toBe(2);
    expect(r.result.videos.find((v) => v.name === 'video-a')!.request.positivePrompt).toContain('dusk');
  });

  it('never caches a file with a problem, so the problem is reported every time', async () => {
    await put('m/bad.yaml', manifest('video-bad').replace('duration: 5', 'duration: 99'));
    for (let i = 0; i < 2; i++) {
      const r = await compare();
      expect(r.result.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.code}`)).toEqual([expect.stringMatching(/^m[/\\]bad\.yaml:9:\d+ /)]);
    }
    expect(Object.keys(JSON.parse(await readFile(cacheFile, 'utf8')).entries).some((k) => k.endsWith('bad.yaml'))).toBe(false);
  });

  it('is not trusted across a reelctl version change, nor for files modified within the racy window', async () => {
    await compare('1.0.0');
    expect((await compare('1.0.0')).hits).toBe(3);
    expect((await compare('1.0.1')).hits).toBe(0);
    await put('m/a.yaml', manifest('video-a', 'a calm lake at dusk, mist over the water'), new Date(Date.now() - RACY_MS / 3));
    await compare('1.0.1');
    expect((await compare('1.0.1')).hits).toBe(2); // the fresh file is parsed again, not cached yet
  });

  it('a load of part of the tree keeps the entries of the rest', async () => {
    await compare();
    const cache = await openParseCache(cacheFile, { version: '1.0.0' });
    await loadManifests([path.join(dir, 'm', 'a.yaml')], { cwd: dir, cache });
    expect(cache.hits).toBe(1);
    expect((await compare()).hits).toBe(3);
  });

  it('has() answers for the files it holds entries for, and only those (a cold cache holds none)', async () => {
    const cold = await openParseCache(cacheFile, { version: '1.0.0' });
    expect(cold.has(path.join(dir, 'm', 'a.yaml'))).toBe(false);
    await compare();
    const warm = await openParseCache(cacheFile, { version: '1.0.0' });
    expect(warm.has(path.join(dir, 'm', 'a.yaml'))).toBe(true);
    expect(warm.has(path.join(dir, 'm', 'nope.yaml'))).toBe(false);
  });

  it('a deleted or damaged cache file is simply rebuilt', async () => {
    await compare();
    await writeFile(cacheFile, '{"format":1,"reelctl":"1.0.0","entries":');
    expect((await compare()).hits).toBe(0);
    expect((await compare()).hits).toBe(3);
    await unlink(cacheFile);
    expect((await compare()).hits).toBe(0);
  });
});

describe('parse cache file', () => {
  it('saved in slices (more entries than one slice) reads back whole: every file a hit', async () => {
    const file = cacheFile; // the test's own directory, removed after it
    const cache = await openParseCache(file, { version: 't' });
    const video = (await loadManifests([path.join(dir, 'm', 'a.yaml')])).videos[0]!;
    for (let i = 0; i < 1234; i++)
      cache.set(`/m/"q"\\${i}.yaml`, `/r/${i}.yaml`, { size: i, mtimeNs: `${i}000`, ino: `${i}` }, [{ ...video, name: `v${i}` }], [`h${i}`]);
    await cache.save();
    expect(Object.keys((JSON.parse(await readFile(file, 'utf8')) as { entries: object }).entries)).toHaveLength(1234); // still one JSON document
    const again = await openParseCache(file, { version: 't' });
    for (let i = 0; i < 1234; i++)
      expect(again.get(`/m/"q"\\${i}.yaml`, `/r/${i}.yaml`, { size: i, mtimeNs: `${i}000`, ino: `${i}` })?.videos[0]!.name).toBe(`v${i}`);
    expect(again.hits).toBe(1234);
  });

  it('an entry kept compactly in memory (one video, real = the path) is written and read back in the same layout', async () => {
    const file = cacheFile; // the test's own directory, removed after it
    const cache = await openParseCache(file, { version: 't' });
    const video = (await loadManifests([path.join(dir, 'm', 'a.yaml')])).videos[0]!;
    const key = { size: 1, mtimeNs: '1000', ino: '7' };
    cache.set('/m/one.yaml', '/m/one.yaml', key, [video], ['h1']);
    cache.set(
      '/m/two.yaml',
      '/r/two.yaml',
      key,
      [
        { ...video, name: 'x' },
        { ...video, name: 'y' },
      ],
      ['hx', 'hy'],
    );
    expect(cache.get('/m/one.yaml', '/m/one.yaml', key)).toEqual({ videos: [video], specHashes: ['h1'] });
    expect(cache.get('/m/one.yaml', '/r/one.yaml', key)).toBeUndefined(); // another target: a miss
    await cache.save();
    const entries = (
      JSON.parse(await readFile(file, 'utf8')) as { entries: Record<string, { real: string; videos: { name: string }[]; specHashes: string[] }> }
    ).entries;
    expect(entries['/m/one.yaml']).toMatchObject({ size: 1, mtimeNs: '1000', ino: '7', real: '/m/one.yaml', specHashes: ['h1'] });
    expect(entries['/m/one.yaml']!.videos).toHaveLength(1);
    expect(entries['/m/two.yaml']).toMatchObject({ real: '/r/two.yaml', specHashes: ['hx', 'hy'] });
    expect(entries['/m/two.yaml']!.videos.map((v) => v.name)).toEqual(['x', 'y']);
    const again = await openParseCache(file, { version: 't' });
    expect(again.get('/m/two.yaml', '/r/two.yaml', key)).toMatchObject({ videos: [{ name: 'x' }, { name: 'y' }], specHashes: ['hx', 'hy'] });
    expect(again.get('/m/one.yaml', '/m/one.yaml', key)?.specHashes).toEqual(['h1']);
  });
});
