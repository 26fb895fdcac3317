// The sidecar names the manifests' commit when the render was submitted: a commit landing while the render
// runs does not change it, and a later render names the later commit (nothing cached since start-up).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until, videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

describe('provenance', () => {
  it('records the commit at submit, across two commits', async () => {
    w = await workspace({ latency: { minMs: 1500, maxMs: 1500 } });
    const git = (...a: string[]) =>
      execFileSync('git', ['-C', w.manifests, '-c', 'user.email=t@e.st', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...a], { encoding: 'utf8' }).trim();
    const commit = (msg: string) => (git('add', '-A'), git('commit', '-qm', msg), git('rev-parse', 'HEAD'));
    git('init', '-q', '-b', 'main');
    w.write('a.yaml', videoYaml('alpha'));
    const c1 = commit('alpha');
    const run = w.apply();
    await until('alpha submitted', () => w.sim.stats().accepted === 1, 20_000, 50);
    w.write('a.yaml', '# a comment: same spec, new commit\n' + videoYaml('alpha'));
    const c2 = commit('comment');
    const r = await run;
    expect(r.exitCode, r.stderr).toBe(0);
    const side = (f: string) => JSON.parse(readFileSync(path.join(w.out, f + '.json'), 'utf8'));
    expect(side('alpha.mp4').manifest.gitCommit).toBe(c1);
    w.write('a.yaml', videoYaml('alpha', 'a stormy lake at night'));
    const c3 = commit('new prompt');
    expect(new Set([c1, c2, c3]).size).toBe(3);
    expect((await w.apply()).exitCode).toBe(0);
    expect(side('alpha.mp4').manifest.gitCommit).toBe(c3);
  }, 60_000);
});
