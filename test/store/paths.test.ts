import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { resolveInside } from '../../src/store/paths.js';

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
