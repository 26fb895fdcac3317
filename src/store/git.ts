// The git commit that last touched a manifest, for provenance. Absent outside a git repo.
// Asked at submit time (the attempt records it), so a sidecar written hours later names the commit the
// render was paid for — not one cached when the process started. `git log` runs only when the repository's
// HEAD has moved since the last answer for that file: HEAD is read from the files under .git (cheap),
// which also follows git-sync's atomic symlink swaps to a new worktree.
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';

export type CommitOf = (file: string) => Promise<string | undefined>;

const HEX40 = /^[0-9a-f]{40}$/;

async function gitLog(file: string): Promise<string | undefined> {
  const r = await execa('git', ['-C', path.dirname(file), 'log', '-1', '--format=%H', '--', path.basename(file)], { reject: false, timeout: 5000 }).catch(() => undefined);
  const out = r?.exitCode === 0 ? String(r.stdout).trim() : '';
  return HEX40.test(out) ? out : undefined;
}

/** The git directory for `dir` (a `.git` directory, or the `gitdir:` a `.git` file points to — worktrees). */
async function gitDirOf(dir: string): Promise<string | undefined> {
  for (let d = dir; ; d = path.dirname(d)) {
    const dotGit = path.join(d, '.git');
    const st = await stat(dotGit).catch(() => undefined);
    if (st?.isDirectory()) return dotGit;
    if (st?.isFile()) {
      const m = /^gitdir: (.+)$/m.exec(await readFile(dotGit, 'utf8').catch(() => ''));
      return m ? path.resolve(d, m[1]!.trim()) : undefined;
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * HEAD's commit, read from the files (loose ref, packed-refs, the common dir of a worktree); `null` outside a
 * repository, undefined when unsure (then git itself is asked).
 */
export async function headCommit(dir: string, gitDirs?: Map<string, Promise<string | undefined>>): Promise<string | null | undefined> {
  const real = await realpath(dir).catch(() => dir);
  let found = gitDirs?.get(real);
  if (!found) {
    found = gitDirOf(real);
    gitDirs?.set(real, found); // a real directory keeps its repository (git-sync swaps the link, not the dir)
  }
  const gitDir = await found;
  if (!gitDir) return null;
  const head = (await readFile(path.join(gitDir, 'HEAD'), 'utf8').catch(() => '')).trim();
  if (HEX40.test(head)) return head;
  const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
  if (!ref) return undefined;
  const common = path.resolve(gitDir, (await readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => '.')).trim());
  for (const base of new Set([gitDir, common])) {
    const loose = (await readFile(path.join(base, ref), 'utf8').catch(() => '')).trim();
    if (HEX40.test(loose)) return loose;
  }
  const packed = await readFile(path.join(common, 'packed-refs'), 'utf8').catch(() => '');
  const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
  const sha = line?.slice(0, 40);
  return sha && HEX40.test(sha) ? sha : undefined;
}

/** A resolver that remembers the answer per file for as long as HEAD stays where it was. */
export function createCommitResolver(log: CommitOf = gitLog): CommitOf {
  const cache = new Map<string, { head: string; commit: Promise<string | undefined> }>();
  const gitDirs = new Map<string, Promise<string | undefined>>();
  return async (file) => {
    const head = await headCommit(path.dirname(file), gitDirs);
    if (head === null) return undefined; // not in a repository: no provenance commit, and no git process
    if (head === undefined) return log(file); // HEAD unreadable: ask git itself every time
    const hit = cache.get(file);
    if (hit?.head === head) return hit.commit;
    const commit = log(file);
    cache.set(file, { head, commit });
    return commit;
  };
}

export const manifestCommit: CommitOf = createCommitResolver();
