// A small stand-in for a CI runner, to run the recipes' own shell steps locally: GitHub steps (`run:`, with
// job/step `env:` and `${{ secrets.X }}` / `${{ vars.X }}`, `if: always()`) and GitLab jobs (before_script,
// script, after_script as one shell each). `reelctl` comes from this checkout's dist/, `aws s3 sync` is a
// local stand-in (s3://… = a directory), git remotes are local bare repositories.
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { BIN } from '../e2e/cli.js';

export interface StepResult {
  name: string;
  code: number | 'skipped';
  output: string;
}

/** A bin directory with `reelctl` (this build) and a fake `aws` whose buckets live under `s3Root`. */
export function toolDir(dir: string, s3Root: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'reelctl'), `#!/bin/sh\nexec node ${JSON.stringify(BIN)} "$@"\n`);
  const aws = [
    '#!/bin/sh',
    `# aws s3 sync [--flags] SRC DST, locally: s3://bucket/key is ${s3Root}/bucket/key`,
    '[ "$1 $2" = "s3 sync" ] || { echo "fake aws: only s3 sync" >&2; exit 2; }',
    'shift 2; src=""; dst=""',
    'for a in "$@"; do case "$a" in --*) ;; *) if [ -z "$src" ]; then src="$a"; else dst="$a"; fi ;; esac; done',
    `map() { case "$1" in s3://*) echo "${s3Root}/\${1#s3://}" ;; *) echo "$1" ;; esac; }`,
    'src=$(map "$src"); dst=$(map "$dst")',
    'mkdir -p "$dst"',
    'if [ -d "$src" ]; then cp -a "$src/." "$dst/"; fi',
  ];
  writeFileSync(path.join(dir, 'aws'), aws.join('\n') + '\n');
  for (const f of ['reelctl', 'aws']) chmodSync(path.join(dir, f), 0o755);
  return dir;
}

const expr = (v: string, ctx: { secrets: Record<string, string>; vars: Record<string, string> }) =>
  v.replace(/\$\{\{\s*(secrets|vars)\.(\w+)\s*\}\}/g, (_, kind: 'secrets' | 'vars', name: string) => ctx[kind][name] ?? '');

// Asynchronous on purpose: the simulator answering these steps runs in the test's own event loop.
async function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const r = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    env,
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 120_000,
  });
  return { code: r.exitCode ?? 1, output: String(r.all ?? '') };
}

/** Runs one GitHub job's `run:` steps in `cwd`; `skip` names steps replaced by the runner (the install). */
export async function runGithubJob(
  file: string,
  job: string,
  o: { cwd: string; env: NodeJS.ProcessEnv; secrets: Record<string, string>; vars: Record<string, string>; skip: string[] },
): Promise<StepResult[]> {
  const wf = parse(readText(file));
  const j = wf.jobs[job];
  const ctx = { secrets: o.secrets, vars: o.vars };
  const jobEnv = Object.fromEntries(Object.entries((j.env ?? {}) as Record<string, string>).map(([k, v]) => [k, expr(String(v), ctx)]));
  const results: StepResult[] = [];
  let failed = false;
  for (const step of j.steps as { name?: string; run?: string; env?: Record<string, string>; if?: string }[]) {
    if (!step.run) continue; // `uses:` steps are the runner's (checkout, setup-node, comments)
    const name = step.name ?? step.run.split('\n')[0]!;
    if (o.skip.includes(name) || (failed && !/always\(\)/.test(step.if ?? ''))) {
      results.push({ name, code: 'skipped', output: '' });
      continue;
    }
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expr(String(v), ctx)]));
    const r = await bash(step.run, o.cwd, { ...o.env, ...jobEnv, ...stepEnv });
    results.push({ name, ...r });
    if (r.code !== 0) failed = true;
  }
  return results;
}

/** Runs one GitLab job: script (after before_script minus the install), then after_script, like the runner. */
export async function runGitlabJob(
  file: string,
  job: string,
  o: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ script: { code: number; output: string }; after: { code: number; output: string } }> {
  const ci = parse(readText(file), { merge: true });
  const j = ci[job];
  const lines = (x: unknown): string[] => (Array.isArray(x) ? x.flat(10).map(String) : []);
  const env = { ...o.env, ...Object.fromEntries(Object.entries((ci.variables ?? {}) as Record<string, string>).filter(([k]) => !(k in o.env))) };
  const script = await bash(lines(j.script).join('\n'), o.cwd, env);
  const after = await bash(lines(j.after_script).join('\n'), o.cwd, env);
  return { script, after };
}

export const readText = (file: string): string => readFileSync(file, 'utf8');

export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-C', cwd, '-c', 'user.email=t@e.st', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args],
    { encoding: 'utf8' },
  ).trim();
}
