import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { resolveInside } from '../../src/store/paths.js';
import { ArtifactStore } from '../../src/store/artifacts.js';

const tmp = tempDirs();

describe('output path containment', () => {
  const setup = () => {
    const root = tmp('reelctl-out-');
    const outside = tmp('reelctl-outside-');
    const out = path.join(root, 'out');
    mkdirSync(out);
    return { out, outside };
  };
  it('resolves a nested path inside --out', async () => {
    const { out } = setup();
    expect(await resolveInside(out, 'a/b/c.mp4')).toMatch(/\/out\/a\/b\/c\.mp4$/);
  });
  it('refuses .. and absolute paths', async () => {
    const { out } = setup();
    await expect(resolveInside(out, '../x.mp4')).rejects.toMatchObject({ code: 'path.escape' });
    await expect(resolveInside(out, '/etc/x.mp4')).rejects.toMatchObject({ code: 'path.escape' });
  });
  it('refuses a directory symlink that points outside --out', async () => {
    const { out, outside } = setup();
    symlinkSync(outside, path.join(out, 'link'));
    await expect(resolveInside(out, 'link/x.mp4')).rejects.toMatchObject({ code: 'path.escape' });
  });
  it('refuses to write through a final-name symlink, even one pointing inside', async () => {
    const { out, outside } = setup();
    writeFileSync(path.join(outside, 'target.mp4'), 'x');
    symlinkSync(path.join(outside, 'target.mp4'), path.join(out, 'v.mp4'));
    await expect(resolveInside(out, 'v.mp4')).rejects.toMatchObject({ code: 'path.symlink' });
  });
});

// The artifact store resolves --out once per run (issue 19: a mkdir and a realpath per file were two of the
// ~25 filesystem calls each download made); everything below it is still checked on every call.
describe('the artifact store resolves --out once', () => {
  it('an --out swapped for a link to elsewhere mid-run is refused, not followed', async () => {
    const root = tmp('reelctl-swap-');
    const out = path.join(root, 'out');
    const elsewhere = path.join(root, 'elsewhere');
    mkdirSync(elsewhere);
    const store = new ArtifactStore(out, async () => {
      throw new Error('nothing is downloaded here');
    });
    await store.writeSidecar('a.mp4', { a: 1 });
    expect(existsSync(path.join(out, 'a.mp4.json'))).toBe(true);
    renameSync(out, path.join(root, 'out-before'));
    symlinkSync(elsewhere, out);
    await expect(store.writeSidecar('b.mp4', { b: 1 })).rejects.toMatchObject({ code: 'path.escape' });
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('an --out that could not be created is tried again on the next call', async () => {
    const root = tmp('reelctl-retry-');
    const out = path.join(root, 'out');
    writeFileSync(out, 'a file where --out goes');
    const store = new ArtifactStore(out, async () => {
      throw new Error('nothing is downloaded here');
    });
    await expect(store.writeSidecar('a.mp4', { a: 1 })).rejects.toMatchObject({ code: 'EEXIST' });
    rmSync(out);
    await store.writeSidecar('a.mp4', { a: 1 });
    expect(existsSync(path.join(out, 'a.mp4.json'))).toBe(true);
  });
});
