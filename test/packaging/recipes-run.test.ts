// The CI recipes, run as written: their shell steps are extracted and executed against the simulator, with
// a local bare repository as "origin" and a directory as the bucket. Two runs on main must leave a state
// branch with two real commits (the second's parent is the first), outputs in the bucket, and nothing paid
// or downloaded twice; the plan job must read that state and those outputs. The install steps are not run
// here (they clone and build reelctl from its repository; this build stands in) — their text is checked.
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/cli.js';
import { CANARY_KEY, videoYaml, workspace, type Workspace } from '../e2e/harness.js';
import { git, readText, runGithubJob, runGitlabJob, toolDir } from './ci-runner.js';

const GH_APPLY = path.join(ROOT, 'examples/github-actions/.github/workflows/reelctl-apply.yml');
const GH_PLAN = path.join(ROOT, 'examples/github-actions/.github/workflows/reelctl-plan.yml');
const GITLAB = path.join(ROOT, 'examples/gitlab-ci/.gitlab-ci.yml');

let w: Workspace | undefined;
let dir: string;
afterEach(async () => {
  await w?.close();
  w = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** origin (bare) with manifests/ holding these videos on main; returns a function to add more. */
function setup() {
  dir = mkdtempSync(path.join(tmpdir(), 'reelctl-ci-'));
  const origin = path.join(dir, 'origin.git');
  git(dir, 'init', '-q', '--bare', origin);
  const seed = path.join(dir, 'seed');
  git(dir, 'clone', '-q', origin, seed);
  const push = (name: string) => {
    mkdirSync(path.join(seed, 'manifests'), { recursive: true });
    writeFileSync(path.join(seed, 'manifests', `${name}.yaml`), videoYaml(name));
    git(seed, 'add', '-A');
    git(seed, 'commit', '-qm', `add ${name}`);
    git(seed, 'push', '-q', 'origin', 'HEAD:main');
  };
  let n = 0;
  /** A fresh checkout of main, as the runner makes one per job. */
  const checkout = () => {
    const ws = path.join(dir, `run-${++n}`);
    git(dir, 'clone', '-q', '--branch', 'main', origin, ws);
    return ws;
  };
  const bin = toolDir(path.join(dir, 'bin'), path.join(dir, 's3'));
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: `${bin}:${process.env.PATH}`,
    HOME: dir,
    NO_COLOR: '1',
    RUNWARE_API_URL: w!.sim.url,
    REELCTL_POLL_MS: '150',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'init.defaultBranch',
    GIT_CONFIG_VALUE_0: 'main',
    ...extra,
  });
  return { origin, push, checkout, env, bucket: path.join(dir, 's3', 'bucket', 'reelctl', 'outputs') };
}

const stateLog = (origin: string) => git(origin, 'log', '--format=%s|%P', 'reelctl-state').split('\n');

describe('GitHub Actions recipes, run locally', () => {
  it('apply twice: a state branch with real history, durable outputs, nothing paid twice; plan reads them', async () => {
    w = await workspace();
    const s = setup();
    s.push('alpha');
    const gh = (file: string, job: string, ws: string) =>
      runGithubJob(file, job, {
        cwd: ws,
        skip: ['Install reelctl'],
        secrets: { RUNWARE_API_KEY: CANARY_KEY },
        vars: { REELCTL_OUTPUTS_URL: 's3://bucket/reelctl' },
        env: s.env({
          GITHUB_SHA: git(ws, 'rev-parse', 'HEAD'),
          RUNNER_TEMP: path.join(ws, '..', 'tmp'),
          GITHUB_PATH: path.join(dir, 'gh-path'),
          GITHUB_OUTPUT: path.join(ws, 'gh-output'),
        }),
      });
    const first = await gh(GH_APPLY, 'apply', s.checkout());
    for (const r of first) expect(r.code === 0 || r.code === 'skipped', `${r.name}: ${r.output}`).toBe(true);
    expect(existsSync(path.join(s.bucket, 'alpha.mp4'))).toBe(true);
    expect(stateLog(s.origin)).toHaveLength(1);

    s.push('beta');
    const second = await gh(GH_APPLY, 'apply', s.checkout());
    for (const r of second) expect(r.code === 0 || r.code === 'skipped', `${r.name}: ${r.output}`).toBe(true);
    const log = stateLog(s.origin);
    expect(log).toHaveLength(2);
    const [latest, firstCommit] = [log[0]!.split('|'), log[1]!.split('|')];
    expect(firstCommit[1]).toBe(''); // the branch's root, made once
    expect(latest[1]).toBe(git(s.origin, 'rev-parse', 'reelctl-state~1')); // a child of it, not a force-pushed orphan
    expect(JSON.parse(git(s.origin, 'show', 'reelctl-state:state.json')).videos.alpha.phase).toBe('Ready');
    expect(existsSync(path.join(s.bucket, 'beta.mp4'))).toBe(true);
    expect(w.sim.stats().accepted).toBe(2);
    expect(w.sim.stats().downloads).toBe(2); // alpha came back from the bucket, not from the API

    const ws = s.checkout();
    writeFileSync(path.join(ws, 'manifests', 'gamma.yaml'), videoYaml('gamma')); // a pull request adds one
    const plan = await gh(GH_PLAN, 'plan', ws);
    for (const r of plan) expect(r.code === 0 || r.code === 'skipped', `${r.name}: ${r.output}`).toBe(true);
    expect(readText(path.join(ws, 'gh-output'))).toContain('exitcode=2');
    const md = readText(path.join(ws, 'plan.md'));
    expect(md).toMatch(/\| 1 \| 0 \| 0 \| 0 \| 0 \| 2 \| 0 \|/); // 1 create, 2 unchanged: the state and outputs were found
    expect(md).toContain('`gamma`');
  }, 120_000);

  it('install from the repository, never by a package name', () => {
    for (const f of [GH_APPLY, GH_PLAN]) {
      const text = readText(f);
      expect(text).not.toMatch(/npm (install|i) (-g|--global) reelctl/);
      const install = (parse(text).jobs as Record<string, { steps: { name?: string; run?: string }[] }>)[
        path.basename(f).includes('plan') ? 'plan' : 'apply'
      ]!.steps.find((st) => st.name === 'Install reelctl')!.run!;
      expect(install).toMatch(/git clone .*"\$REELCTL_REPO"/);
      expect(install).toMatch(/npm ci .*&& npm run build/);
    }
    expect(readText(GH_APPLY)).not.toMatch(/upload-artifact|push -f|--force|--orphan reelctl-state-tmp/);
  });
});

describe('GitLab CI recipe, run locally', () => {
  it('apply restores and saves state like the GitHub recipe: two runs, two commits, nothing paid twice', async () => {
    w = await workspace();
    const s = setup();
    s.push('alpha');
    const job = (name: string, ws: string) =>
      runGitlabJob(GITLAB, name, {
        cwd: ws,
        env: s.env({
          RUNWARE_API_KEY: CANARY_KEY,
          REELCTL_OUTPUTS_URL: 's3://bucket/reelctl',
          REELCTL_STATE_REMOTE: s.origin,
          CI_COMMIT_SHORT_SHA: git(ws, 'rev-parse', '--short', 'HEAD'),
        }),
      });
    const first = await job('apply', s.checkout());
    expect(first.script.code, first.script.output).toBe(0);
    expect(first.after.code, first.after.output).toBe(0);
    s.push('beta');
    const second = await job('apply', s.checkout());
    expect(second.script.code, second.script.output).toBe(0);
    expect(stateLog(s.origin)).toHaveLength(2);
    expect(git(s.origin, 'rev-list', '--count', 'reelctl-state')).toBe('2');
    expect(w.sim.stats().accepted).toBe(2);
    expect(w.sim.stats().downloads).toBe(2);
    expect(existsSync(path.join(s.bucket, 'beta.mp4'))).toBe(true);

    const ws = s.checkout();
    const plan = await runGitlabJob(GITLAB, 'plan', { cwd: ws, env: s.env({ REELCTL_OUTPUTS_URL: 's3://bucket/reelctl' }) });
    expect(plan.script.code, plan.script.output).toBe(0);
    expect(readText(path.join(ws, 'plan.md'))).toContain('No changes. Videos match the manifests.');
  }, 120_000);

  it('an unreachable state branch stops the job before apply (an empty state would pay again)', async () => {
    w = await workspace();
    const s = setup();
    s.push('alpha');
    const ws = s.checkout();
    const r = await runGitlabJob(GITLAB, 'apply', {
      cwd: ws,
      env: s.env({ RUNWARE_API_KEY: CANARY_KEY, REELCTL_OUTPUTS_URL: 's3://bucket/reelctl', REELCTL_STATE_REMOTE: path.join(dir, 'missing.git') }),
    });
    expect(r.script.code).not.toBe(0);
    expect(r.script.output).toMatch(/cannot read the reelctl-state branch \(git ls-remote exit 128\)/);
    expect(w.sim.stats().requests).toBe(0);
  });

  it('installs from the repository', () => {
    const text = readText(GITLAB);
    expect(text).not.toMatch(/npm (install|i) (-g|--global) reelctl/);
    expect(text).toMatch(/git clone .*"\$REELCTL_REPO"/);
  });
});
