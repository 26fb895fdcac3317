// Provenance is current: the commit of a manifest is asked again once HEAD moves (two commits), read from
// .git without running git while HEAD stays, and absent outside a repository.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCommitResolver, headCommit } from '../../src/store/git.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(): { dir: string; git: (...a: string[]) => string; commit: (msg: string) => string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'reelctl-git-'));
  dirs.push(dir);
  const git = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.email=t@e.st', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...a], { encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  return { dir, git, commit: (msg) => (git('add', '-A'), git('commit', '-qm', msg), git('rev-parse', 'HEAD')) };
}

describe('manifest commit (provenance)', () => {
  it('follows new commits (two commits) and runs git only when HEAD moved', async () => {
    const r = repo();
    mkdirSync(path.join(r.dir, 'manifests'));
    const file = path.join(r.dir, 'manifests', 'a.yaml');
    writeFileSync(file, 'v: 1\n');
    const c1 = r.commit('first');
    let calls = 0;
    const resolve = createCommitResolver(async (f) => (calls++, execFileSync('git', ['-C', path.dirname(f), 'log', '-1', '--format=%H', '--', path.basename(f)], { encoding: 'utf8' }).trim()));
    expect(await resolve(file)).toBe(c1);
    expect(await resolve(file)).toBe(c1);
    expect(calls).toBe(1);
    writeFileSync(file, 'v: 2\n');
    const c2 = r.commit('second');
    expect(c2).not.toBe(c1);
    expect(await resolve(file)).toBe(c2);
    expect(calls).toBe(2);
    r.git('pack-refs', '--all'); // HEAD's ref now only in packed-refs
    expect(await headCommit(r.dir)).toBe(c2);
    r.git('checkout', '-q', '--detach', c1);
    expect(await headCommit(r.dir)).toBe(c1);
  });

  it('follows an atomic symlink swap to another worktree (git-sync)', async () => {
    const r = repo();
    writeFileSync(path.join(r.dir, 'a.yaml'), 'v: 1\n');
    const c1 = r.commit('first');
    r.git('worktree', 'add', '-q', '--detach', path.join(r.dir, '.wt1'), c1);
    writeFileSync(path.join(r.dir, 'a.yaml'), 'v: 2\n');
    const c2 = r.commit('second');
    r.git('worktree', 'add', '-q', '--detach', path.join(r.dir, '.wt2'), c2);
    const link = path.join(r.dir, 'current');
    symlinkSync(path.join(r.dir, '.wt1'), link);
    const resolve = createCommitResolver();
    expect(await resolve(path.join(link, 'a.yaml'))).toBe(c1);
    symlinkSync(path.join(r.dir, '.wt2'), link + '.new');
    renameSync(link + '.new', link);
    expect(await resolve(path.join(link, 'a.yaml'))).toBe(c2);
  });

  it('outside a repository: no commit and no git process', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'reelctl-nogit-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'a.yaml'), 'x');
    let calls = 0;
    const resolve = createCommitResolver(async () => (calls++, undefined));
    expect(await resolve(path.join(dir, 'a.yaml'))).toBeUndefined();
    expect(calls).toBe(0);
  });
});
