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
  const git = (...a: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.email=t@e.st', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...a], { encoding: 'utf8' }).trim();
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
    const resolve = createCommitResolver(async (cwd, args) => (calls++, execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8' })));
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
    writeFileSync(path.join(r.dir, '.gitignore'), '.wt*\n'); // the worktrees live inside the repo: not content of its commits
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

  it('N manifests over several commits: one git process per HEAD, each file answered with its own last commit', async () => {
    const r = repo();
    const m = path.join(r.dir, 'manifests');
    mkdirSync(path.join(m, 'sub'), { recursive: true });
    const files = Array.from({ length: 60 }, (_, i) => path.join(m, i % 2 ? 'sub' : '', `v${i}.yaml`));
    files.forEach((f, i) => writeFileSync(f, `v: ${i}\n`));
    writeFileSync(path.join(m, 'Upper Case.YML'), 'x: 1\n');
    const c1 = r.commit('all');
    files.slice(0, 10).forEach((f) => writeFileSync(f, 'changed\n'));
    const c2 = r.commit('ten changed');
    writeFileSync(path.join(m, 'untracked.yaml'), 'x\n');
    let spawns = 0;
    const resolve = createCommitResolver(async (cwd, args) => (spawns++, execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8' })));
    const got = await Promise.all(files.map((f) => resolve(f)));
    expect(got).toEqual(files.map((_, i) => (i < 10 ? c2 : c1)));
    expect(await resolve(path.join(m, 'Upper Case.YML'))).toBe(c1);
    expect(await resolve(path.join(m, 'untracked.yaml'))).toBeUndefined(); // never committed: no commit, as git log -1 says
    expect(spawns).toBe(1);
    // A later commit touching one file: that file names it, the others keep theirs; one more process.
    writeFileSync(files[20]!, 'again\n');
    const c3 = r.commit('one more');
    expect(await resolve(files[20]!)).toBe(c3);
    expect(await resolve(files[0]!)).toBe(c2);
    expect(await resolve(files[30]!)).toBe(c1);
    expect(spawns).toBe(2);
    // Each answer is what `git log -1 -- FILE` says.
    for (const f of [files[0]!, files[20]!, files[59]!])
      expect(await resolve(f)).toBe(
        execFileSync('git', ['-C', path.dirname(f), 'log', '-1', '--format=%H', '--', path.basename(f)], { encoding: 'utf8' }).trim(),
      );
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
