// kill -9 at every failpoint, then apply again: invariants I1–I3 (and I5) must hold.
import { afterEach, describe, expect, it } from 'vitest';
import { FAILPOINTS } from '../../src/failpoints.js';
import { assertInvariants, videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

describe('crash at every failpoint, then apply again', () => {
  it.each(FAILPOINTS)('%s', async (fp) => {
    w = await workspace();
    w.write('a.yaml', [videoYaml('alpha'), videoYaml('beta', undefined, '    numberResults: 2\n'), videoYaml('gamma')].join('---\n'));
    const crashed = await w.apply([], { REELCTL_FAILPOINT: `${fp}:crash` });
    expect(crashed.signal ?? crashed.exitCode, crashed.stderr).toBe('SIGKILL');
    const again = await w.apply();
    expect(again.exitCode, again.stderr).toBe(0);
    const state = assertInvariants(w, { expectReady: 3 });
    expect(w.sim.stats().accepted).toBe(3);
    expect(state.serial).toBeGreaterThan(0);
    // a crash between the send and its record: the same UUID is re-sent and confirmed by conflictTaskUUID
    if (fp === 'after-submit') expect(w.sim.stats().conflicts).toBeGreaterThanOrEqual(1);
  });
});
