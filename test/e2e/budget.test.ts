// apply --max-cost across a crash (issue 13, item 7): the unsettled renders a resumed apply adopts count
// against its cap, so an interrupted and resumed apply never pays more than the cap in total — counted on
// the simulator's side, from what it accepted.
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { estimateCostUsd } from '../../src/pricing/prices.js';
import { assertInvariants, readState, videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => {
  await w?.close();
  if (w) rmSync(w.dir, { recursive: true, force: true });
});

const paid = (w: Workspace) => w.sim.tasks().reduce((s, t) => s + estimateCostUsd(t.request as { model: string }), 0);

describe('apply --max-cost across a crash', () => {
  // after-submit-persisted: nothing settled before the kill; during-download: one render settled (paid) and
  // others in flight — the resumed apply continues the interrupted run and counts both.
  it.each(['after-submit-persisted', 'during-download'])('an apply killed at %s, resumed with the same cap, pays at most the cap in total', async (fp) => {
    w = await workspace();
    // Four 3-second renders at $0.252: a $1.00 cap fits three ($0.756), never the fourth ($1.008).
    w.write('a.yaml', ['v1', 'v2', 'v3', 'v4'].map((n) => videoYaml(n)).join('---\n'));
    const cap = ['--max-cost', '1.00', '--concurrency', '4'];
    const crashed = await w.apply(cap, { REELCTL_FAILPOINT: `${fp}:crash` });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    // The kill left work unfinished: renders not settled, or paid and not downloaded.
    const unfinished = Object.values(readState(w.state).videos).filter((v: any) =>
      v.attempts.some((a: any) => a.state === 'intent' || a.state === 'accepted' || (a.state === 'succeeded' && v.outputs.length === 0)),
    ).length;
    expect(unfinished).toBeGreaterThanOrEqual(1);

    const resumed = await w.apply(cap);
    expect(resumed.exitCode, resumed.stderr).toBe(3); // stopped by the cap, nothing failed
    expect(paid(w)).toBeLessThanOrEqual(1.0 + 1e-9);
    expect(w.sim.stats().accepted).toBe(3);
    assertInvariants(w, { expectReady: 3 });
  });
});
