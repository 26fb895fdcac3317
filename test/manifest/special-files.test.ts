// Issue 17 item 5: the manifest walker reads only regular files. A symlink to a FIFO (git stores symlinks,
// so a pull request can add one) or to /dev/zero must neither hang nor read 512 MB: reported and skipped.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load.js';
import { reelctl } from '../e2e/cli.js';
import { videoDoc } from './video-doc.js';

const doc = (name: string) => videoDoc(name);

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** root/manifests with one good manifest and the hostile entries; root/outside.yaml beside it. */
function hostileTree(): string {
  dir = mkdtempSync(path.join(tmpdir(), 'reelctl-special-'));
  const m = path.join(dir, 'manifests');
  mkdirSync(m);
  writeFileSync(path.join(m, 'good.yaml'), doc('good'));
  execFileSync('mkfifo', [path.join(m, 'pipe')]); // not a manifest name: never looked at by itself
  execFileSync('mkfifo', [path.join(m, 'direct-fifo.yaml')]);
  symlinkSync(path.join(m, 'pipe'), path.join(m, 'fifo-link.yaml'));
  symlinkSync('/dev/zero', path.join(m, 'zero.yaml'));
  writeFileSync(path.join(dir, 'outside.yaml'), doc('outside'));
  symlinkSync(path.join(dir, 'outside.yaml'), path.join(m, 'escape.yaml'));
  symlinkSync('good.yaml', path.join(m, 'alias.yml')); // inside the root: fine (same video twice → a duplicate name)
  symlinkSync(path.join(m, 'nowhere'), path.join(m, 'dangling.yaml'));
  return m;
}

describe('special files in the manifests directory', () => {
  it('a symlink to a FIFO, to /dev/zero, a FIFO itself, a link outside the root: reported by name and skipped, no hang', { timeout: 10_000 }, async () => {
    const m = hostileTree();
    const r = await loadManifests([m], { cwd: m, parallel: false });
    const by = (file: string) => r.problems.filter((p) => p.file === file).map((p) => `${p.code}: ${p.message}`);
    expect(by('fifo-link.yaml')).toEqual([expect.stringMatching(/^file\.not-regular: symlink to .*pipe, which is a FIFO/)]);
    expect(by('zero.yaml')).toEqual([expect.stringMatching(/^file\.outside-root: .*\(to \/dev\/zero\)/)]); // never opened
    expect(by('direct-fifo.yaml')).toEqual([expect.stringMatching(/^file\.not-regular: this is a FIFO/)]);
    expect(by('escape.yaml')).toEqual([expect.stringMatching(/^file\.outside-root: symlink points outside the manifests directory/)]);
    expect(by('dangling.yaml')).toEqual([expect.stringMatching(/^file\.broken-link/)]);
    expect(r.videos.map((v) => v.name)).toEqual(['good']);
    expect(r.videos.some((v) => v.name === 'outside')).toBe(false);
  });

  it('a FIFO or /dev/zero named on the command line is refused, not read', { timeout: 10_000 }, async () => {
    const m = hostileTree();
    const r = await loadManifests([path.join(m, 'direct-fifo.yaml'), '/dev/zero'], { cwd: m, parallel: false });
    expect(r.problems.map((p) => `${p.code}: ${p.message}`)).toEqual([expect.stringMatching(/character device/), expect.stringMatching(/FIFO/)]); // sorted by file
    expect(r.videos).toEqual([]);
  });

  it('the CLI: validate on such a directory ends at once, naming each file (exit 1)', { timeout: 30_000 }, async () => {
    const m = hostileTree();
    const res = await reelctl(['validate', m], { cwd: m, timeout: 20_000 });
    expect(res.timedOut).toBe(false);
    expect(res.exitCode).toBe(1);
    for (const f of ['fifo-link.yaml', 'zero.yaml', 'direct-fifo.yaml', 'escape.yaml']) expect(res.stdout + res.stderr).toContain(f);
    expect(existsSync(path.join(m, 'good.yaml'))).toBe(true);
  });
});
