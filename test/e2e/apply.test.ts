import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertInvariants, CANARY_KEY, videoYaml, workspace, type Workspace, readState } from './harness.js';
import { reelctl } from './cli.js';
import { until } from './webhook-harness.js';

let w: Workspace;
afterEach(async () => w?.close());

describe('reelctl apply (CLI against the simulator)', () => {
  it('renders every video once; apply twice → zero new submissions', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha') + '---\n' + videoYaml('beta'));
    const r1 = await w.apply();
    expect(r1.exitCode, r1.stderr).toBe(0);
    expect(r1.stderr).toMatch(/Apply complete: 2 ready, 0 failed/);
    expect(w.sim.stats().accepted).toBe(2);
    const r2 = await w.apply();
    expect(r2.exitCode).toBe(0);
    expect(r2.stderr).toMatch(/0 submitted/);
    expect(w.sim.stats().accepted).toBe(2);
    for (const s of [r1.stdout, r1.stderr, r2.stdout, r2.stderr]) expect(s).not.toContain(CANARY_KEY);
    assertInvariants(w, { expectReady: 2 });
  });

  it('an edited prompt → one submission; a regenerate bump → one; a label change → none', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    expect((await w.apply()).exitCode).toBe(0);
    w.write('a.yaml', videoYaml('alpha', 'a stormy lake at night'));
    expect((await w.apply()).exitCode).toBe(0);
    expect(w.sim.stats().accepted).toBe(2);
    w.write('a.yaml', videoYaml('alpha', 'a stormy lake at night', '  regenerate: 1\n'));
    expect((await w.apply()).exitCode).toBe(0);
    expect(w.sim.stats().accepted).toBe(3);
    w.write('a.yaml', videoYaml('alpha', 'a stormy lake at night', '  regenerate: 1\n').replace('team: e2e', 'team: other'));
    const r = await w.apply();
    expect(r.exitCode).toBe(0);
    expect(w.sim.stats().accepted).toBe(3);
    const state = readState(w.state);
    expect(state.videos.alpha.previous).toBeDefined();
  });

  it('a changed output.path moves the file without a submission', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    await w.apply();
    w.write('a.yaml', videoYaml('alpha', undefined, '  output:\n    path: moved/alpha.mp4\n'));
    const r = await w.apply();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(w.sim.stats().accepted).toBe(1);
    expect(
      readFileSync(path.join(w.out, 'moved', 'alpha.mp4'))
        .subarray(4, 8)
        .toString(),
    ).toBe('ftyp');
    assertInvariants(w, { expectReady: 1 });
  });

  it('a move cut short after the rename (the file already at its new path, the state not yet) is finished, not retried forever', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    await w.apply();
    // What kill -9 between the rename and the state save leaves: file (and sidecar) moved, state says old path.
    mkdirSync(path.join(w.out, 'moved'));
    renameSync(path.join(w.out, 'alpha.mp4'), path.join(w.out, 'moved', 'alpha.mp4'));
    renameSync(path.join(w.out, 'alpha.mp4.json'), path.join(w.out, 'moved', 'alpha.mp4.json'));
    w.write('a.yaml', videoYaml('alpha', undefined, '  output:\n    path: moved/alpha.mp4\n'));
    const t0 = Date.now();
    const r = await w.apply();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.stderr).not.toMatch(/reconcile step failed/);
    expect(readState(w.state).videos.alpha.outputs[0].path).toBe('moved/alpha.mp4');
    expect(w.sim.stats().accepted).toBe(1);
    assertInvariants(w, { expectReady: 1 });
  });

  it('a download that keeps failing for a local reason is given up for this run (exit 1), not retried forever; the next apply downloads it without paying again', async () => {
    w = await workspace();
    mkdirSync(w.out, { recursive: true });
    writeFileSync(path.join(w.out, 'blocked'), 'a file where a directory must go\n');
    w.write('a.yaml', videoYaml('alpha', undefined, '  output:\n    path: blocked/alpha.mp4\n'));
    const t0 = Date.now();
    const r = await w.apply([], { REELCTL_RETRY_MS: '100' }); // backoff 0.1, 0.2, 0.4, 0.8 s instead of 1, 2, 4, 8 s
    expect(r.exitCode).toBe(1);
    expect(Date.now() - t0).toBeLessThan(45_000);
    expect(r.stderr).toMatch(/download failed 5 times; giving up on this video for this run/);
    expect(r.stderr).toMatch(/1 failed/);
    const s = readState(w.state).videos.alpha;
    expect(s.phase).toBe('Downloading'); // paid and recorded, not Failed: the next run may finish it
    expect(s.message).toMatch(/given up for this run/);
    rmSync(path.join(w.out, 'blocked'));
    const again = await w.apply();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(w.sim.stats().accepted).toBe(1);
    expect(readState(w.state).videos.alpha.phase).toBe('Ready');
  }, 90_000);

  it('an output deleted by hand is re-downloaded, not re-rendered', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    await w.apply();
    rmSync(path.join(w.out, 'alpha.mp4'));
    const r = await w.apply();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(w.sim.stats().accepted).toBe(1);
    expect(w.sim.stats().downloads).toBe(2);
    assertInvariants(w, { expectReady: 1 });
  });

  it('numberResults: 2 writes two files', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha', undefined, '    numberResults: 2\n'));
    expect((await w.apply()).exitCode).toBe(0);
    expect(readFileSync(path.join(w.out, 'alpha-1.mp4')).length).toBeGreaterThan(1000);
    expect(readFileSync(path.join(w.out, 'alpha-2.mp4')).length).toBeGreaterThan(1000);
  });

  it('a generation failure → Failed with the API message, exit 1; re-apply does not re-submit', async () => {
    w = await workspace({ faults: { generationFailureRate: 1 } });
    w.write('a.yaml', videoYaml('alpha'));
    const r = await w.apply(['--json']);
    expect(r.exitCode).toBe(1);
    const status = JSON.parse(r.stdout);
    expect(status.videos[0]).toMatchObject({ name: 'alpha', phase: 'Failed' });
    expect(status.videos[0].message).toMatch(/simulated failure/);
    await w.apply();
    expect(w.sim.stats().accepted).toBe(1);
  });

  it('--max-cost stops submitting (exit 3) and never spends past it', async () => {
    w = await workspace();
    w.write('a.yaml', ['a', 'b', 'c', 'd'].map((n) => videoYaml(n)).join('---\n'));
    const r = await w.apply(['--max-cost', '0.6', '--concurrency', '1']);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(w.sim.stats().accepted).toBe(2); // 0.252 each: two fit under 0.60, a third would not
  });

  it('a wrong key fails at once with a clear message and exit 1', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const r = await w.apply([], { RUNWARE_API_KEY: 'wrong-key' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/rejected the API key \(HTTP 401\)/);
    expect(w.sim.stats().requests).toBeLessThanOrEqual(2);
  });

  it('without a key and without --simulate, fails at once naming the variables', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const r = await w.apply([], { RUNWARE_API_KEY: '' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/RUNWARE_API_KEY is set but empty|no Runware API key/);
  });

  it('a second apply on the same state exits 1 naming the holder', async () => {
    w = await workspace({ latency: { minMs: 3000, maxMs: 3000 } });
    w.write('a.yaml', videoYaml('alpha'));
    const first = w.apply();
    await until('the first apply to hold the lock', () => existsSync(`${w.state}.lock`));
    const second = await w.apply();
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(/state is locked by pid \d+ on host .*reelctl apply/);
    expect((await first).exitCode).toBe(0);
  });

  it('--prune archives removed videos, and refuses when the source is empty', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha') + '---\n' + videoYaml('beta') + '---\n' + videoYaml('gamma'));
    await w.apply();
    w.write('a.yaml', videoYaml('alpha') + '---\n' + videoYaml('beta'));
    const r = await w.apply(['--prune']);
    expect(r.exitCode, r.stderr).toBe(0);
    const state = readState(w.state);
    expect(Object.keys(state.videos).sort()).toEqual(['alpha', 'beta']);
    expect(r.stderr).toMatch(/pruned 1 video/);
    writeFileSync(path.join(w.manifests, 'a.yaml'), '');
    const refused = await w.apply(['--prune']);
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toMatch(/refusing to prune/);
  });

  it('invalid manifests change nothing and exit 1', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('Alpha'));
    const r = await w.apply();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/a\.yaml:4:9: metadata\.name/);
    expect(w.sim.stats().requests).toBe(0);
  });
});

describe('reelctl apply --simulate', () => {
  it('works with no key and leaves playable files', async () => {
    const r = await reelctl(
      ['apply', '--simulate', 'manifests/social-shorts.yaml', '--state', '/tmp/reelctl-sim-e2e/state.json', '--out', '/tmp/reelctl-sim-e2e/out'],
      {
        env: { RUNWARE_API_KEY: '', REELCTL_SIM_LATENCY_MS: '200', REELCTL_POLL_MS: '150' },
      },
    );
    rmSync('/tmp/reelctl-sim-e2e', { recursive: true, force: true });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 ready/);
  });
});
