// Simulated renders never pass for real (issue 13, item 8): --simulate keeps its own state and outputs by
// default, marks every record it writes, and a real run on a state holding simulated records plans and
// renders those videos as new — never keeping a placeholder file as a real output.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reelctl } from './cli.js';
import { readState, videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => {
  await w?.close();
  if (w) rmSync(w.dir, { recursive: true, force: true });
});

const SIM_ENV = { RUNWARE_API_KEY: '', REELCTL_SIM_LATENCY_MS: '200', REELCTL_POLL_MS: '150' };

describe('--simulate never passes for real', () => {
  it('by default keeps its own state and outputs, apart from the real ones', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const r = await reelctl(['apply', '--simulate', 'manifests'], { cwd: w.dir, env: SIM_ENV });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(w.dir, '.reelctl', 'simulated', 'state.json'))).toBe(true);
    expect(existsSync(path.join(w.dir, 'outputs-simulated', 'alpha.mp4'))).toBe(true);
    expect(existsSync(path.join(w.dir, '.reelctl', 'state.json'))).toBe(false);
    expect(existsSync(path.join(w.dir, 'outputs'))).toBe(false);
    expect(readState(path.join(w.dir, '.reelctl', 'simulated', 'state.json')).videos.alpha.simulated).toBe(true);
    expect(JSON.parse(readFileSync(path.join(w.dir, 'outputs-simulated', 'alpha.mp4.json'), 'utf8')).simulated).toBe(true);
    const status = await reelctl(['status'], { cwd: w.dir });
    expect(status.stdout).toMatch(/No state yet at \.reelctl\/state\.json.*--state \.reelctl\/simulated\/state\.json/);
    const simStatus = await reelctl(['status', '--state', '.reelctl/simulated/state.json'], { cwd: w.dir });
    expect(simStatus.stdout).toMatch(/alpha\s+Ready.*simulated \(not a real render\)/);
  });

  it('a real run on a state holding simulated records plans them as create and renders them for real; a simulated run then refuses that state', async () => {
    w = await workspace();
    w.write('a.yaml', [videoYaml('alpha'), videoYaml('beta')].join('---\n'));
    const paths = ['--state', w.state, '--out', w.out];
    const sim = await reelctl(['apply', '--simulate', w.manifests, ...paths], { cwd: w.dir, env: SIM_ENV });
    expect(sim.exitCode, sim.stderr).toBe(0);
    const placeholderTask = readState(w.state).videos.alpha.outputs[0].taskUUID;

    const plan = await reelctl(['plan', w.manifests, ...paths, '--json'], { cwd: w.dir });
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).changes.map((c: { action: string }) => c.action)).toEqual(['create', 'create']);

    const real = await w.apply();
    expect(real.exitCode, real.stderr).toBe(0);
    expect(w.sim.stats().accepted).toBe(2); // both rendered for real, none taken from the simulation
    const state = readState(w.state);
    const realTasks = new Set(w.sim.tasks().map((t) => t.taskUUID));
    for (const name of ['alpha', 'beta']) {
      expect(state.videos[name].simulated).toBeUndefined();
      expect(state.videos[name].phase).toBe('Ready');
      expect(realTasks.has(state.videos[name].outputs[0].taskUUID)).toBe(true);
    }
    const sidecar = JSON.parse(readFileSync(path.join(w.out, 'alpha.mp4.json'), 'utf8'));
    expect(realTasks.has(sidecar.taskUUID)).toBe(true); // the file on disk is the real render's
    expect(sidecar.taskUUID).not.toBe(placeholderTask);

    const again = await reelctl(['apply', '--simulate', w.manifests, ...paths], { cwd: w.dir, env: SIM_ENV });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/records 2 real render\(s\).*--simulate never writes into a real state/);
  });

  it('a real run that cannot finish still removes the placeholder files instead of keeping them as outputs', async () => {
    w = await workspace({ faults: { generationFailureRate: 1 } });
    w.write('a.yaml', videoYaml('alpha'));
    const sim = await reelctl(['apply', '--simulate', w.manifests, '--state', w.state, '--out', w.out], { cwd: w.dir, env: SIM_ENV });
    expect(sim.exitCode, sim.stderr).toBe(0);
    expect(existsSync(path.join(w.out, 'alpha.mp4'))).toBe(true);
    const real = await w.apply();
    expect(real.exitCode).toBe(1); // every real render fails here
    expect(existsSync(path.join(w.out, 'alpha.mp4'))).toBe(false);
    expect(readState(w.state).videos.alpha).toMatchObject({ phase: 'Failed', outputs: [] });
    expect(readState(w.state).videos.alpha.simulated).toBeUndefined();
  });
});
