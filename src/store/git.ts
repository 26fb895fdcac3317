// The git commit that last touched a manifest, for provenance. Absent outside a git repo.
// Asked at submit time (the attempt records it), so a sidecar written hours later names the commit the
// render was paid for — not one cached when the process started. HEAD is read from the files under .git
// (cheap), which also follows git-sync's atomic symlink swaps to a new worktree. Per repository and HEAD,
// ONE `git log --name-only` over the YAML files of that commit's history answers every manifest (the first
// commit listing a path is the last one that touched it), instead of one `git log -1` per file: 10,000 new
// manifests cost one process, not 10,000 (issue 19). A file the listing never names (untracked, never
// committed) has no commit, as with `git log -1`. A merge commit lists no files (git's default), so a
// change made only in a merge's conflict resolution is attributed to the commit before it.
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';

export type CommitOf = (file: string) => Promise<string | undefined>;
/** Runs git in `cwd` with `args`: its stdout, or undefined when it failed. Tests inject a counting one. */
export type GitRunner = (cwd: string, args: string[]) => Promise<string | undefined>;

const HEX40 = /^[0-9a-f]{40}$/;

const execGit: GitRunner = async (cwd, args) => {
  const r = await execa('git', ['-C', cwd, ...args], { reject: false, timeout: 120_000, stripFinalNewline: false }).catch(() => undefined);
  return r?.exitCode === 0 ? String(r.stdout) : undefined;
};

/** Per file: the last commit touching it, from one `git log` of `head` (paths relative to `top`). */
async function listCommits(run: GitRunner, top: string, head: string): Promise<Map<string, string> | undefined> {
  const out = await run(top, ['log', '-z', '--no-renames', '--name-only', '--format=%x01%H', head, '--', ':(icase)*.yaml', ':(icase)*.yml']);
  if (out === undefined) return undefined;
  const last = new Map<string, string>();
  let commit = '';
  for (const raw of out.split('\0')) {
    const token = raw.startsWith('\n') ? raw.slice(1) : raw;
    if (token.startsWith('\x01')) commit = token.slice(1);
    else if (token !== '' && !last.has(token) && HEX40.test(commit)) last.set(token, commit);
  }
  return last;
}

interface Repo {
  /** The git directory (a `.git` directory, or the `gitdir:` a `.git` file points to — worktrees). */
  gitDir: string;
  /** The work tree's top (where `.git` is): git names files relative to it. */
  top: string;
}

async function repoOf(dir: string): Promise<Repo | undefined> {
  for (let d = dir; ; d = path.dirname(d)) {
    const dotGit = path.join(d, '.git');
    const st = await stat(dotGit).catch(() => undefined);
    if (st?.isDirectory()) return { gitDir: dotGit, top: d };
    if (st?.isFile()) {
      const m = /^gitdir: (.+)$/m.exec(await readFile(dotGit, 'utf8').catch(() => ''));
      return m ? { gitDir: path.resolve(d, m[1]!.trim()), top: d } : undefined;
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * HEAD's commit, read from the files (loose ref, packed-refs, the common dir of a worktree); `null` outside a
 * repository, undefined when unsure (then git itself is asked).
 */
export async function headCommit(dir: string, repos?: Map<string, Promise<Repo | undefined>>): Promise<string | null | undefined> {
  return (await headOf(dir, repos)).head;
}

async function headOf(dir: string, repos?: Map<string, Promise<Repo | undefined>>): Promise<{ head: string | null | undefined; repo?: Repo }> {
  const real = await realpath(dir).catch(() => dir);
  let found = repos?.get(real);
  if (!found) {
    found = repoOf(real);
    repos?.set(real, found); // a real directory keeps its repository (git-sync swaps the link, not the dir)
  }
  const repo = await found;
  if (!repo) return { head: null };
  const { gitDir } = repo;
  const head = (await readFile(path.join(gitDir, 'HEAD'), 'utf8').catch(() => '')).trim();
  if (HEX40.test(head)) return { head, repo };
  const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
  if (!ref) return { head: undefined, repo };
  const common = path.resolve(gitDir, (await readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => '.')).trim());
  for (const base of new Set([gitDir, common])) {
    const loose = (await readFile(path.join(base, ref), 'utf8').catch(() => '')).trim();
    if (HEX40.test(loose)) return { head: loose, repo };
  }
  const packed = await readFile(path.join(common, 'packed-refs'), 'utf8').catch(() => '');
  const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
  const sha = line?.slice(0, 40);
  return { head: sha && HEX40.test(sha) ? sha : undefined, repo };
}

/** A resolver that lists each repository's manifests once per HEAD (one git process), and answers from that. */
export function createCommitResolver(run: GitRunner = execGit): CommitOf {
  const listings = new Map<string, { head: string; commits: Promise<Map<string, string> | undefined> }>();
  const repos = new Map<string, Promise<Repo | undefined>>();
  const one = async (file: string) => {
    const out = await run(path.dirname(file), ['log', '-1', '--format=%H', '--', path.basename(file)]);
    const sha = out?.trim() ?? '';
    return HEX40.test(sha) ? sha : undefined;
  };
  return async (file) => {
    const { head, repo } = await headOf(path.dirname(file), repos);
    if (head === null) return undefined; // not in a repository: no provenance commit, and no git process
    if (head === undefined || !repo) return one(file); // HEAD unreadable: ask git itself for this file
    let listing = listings.get(repo.top);
    if (listing?.head !== head) {
      listing = { head, commits: listCommits(run, repo.top, head) };
      listings.set(repo.top, listing); // one listing per repository: the one of its current HEAD
    }
    const commits = await listing.commits;
    if (!commits) return one(file); // the listing failed (git missing, a shallow clone …): this file alone
    const real = await realpath(file).catch(() => file);
    return commits.get(path.relative(repo.top, real).split(path.sep).join('/'));
  };
}

export const manifestCommit: CommitOf = createCommitResolver();
