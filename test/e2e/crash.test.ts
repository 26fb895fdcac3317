// kill -9 at every failpoint, then apply again: invariants I1–I3 (and I5) must hold.
import { afterEach, describe, expect, it } from 'vitest';
import { FAILPOINTS } from '../../src/failpoints.js';
import { existsSync, readFileSync } from 'node:fs';
import { journalPath } from '../../src/state/journal.js';
import { assertInvariants, readState, videoYaml, workspace, type Workspace } from './harness.js';

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

describe('the state journal under kill -9', () => {
  // Journal mode from the first video (by default it starts at 1,000 videos).
  const J = { REELCTL_STATE_JOURNAL_MIN_VIDEOS: '0' };
  it('a crash mid-append (a state already on disk) leaves a torn line that the next apply drops, paying nothing twice', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    expect((await w.apply([], J)).exitCode).toBe(0);
    expect(existsSync(journalPath(w.state))).toBe(false); // a finished apply leaves one snapshot file
    w.write('b.yaml', videoYaml('beta'));
    const crashed = await w.apply([], { REELCTL_FAILPOINT: 'during-state-write:crash', ...J });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const journal = readFileSync(journalPath(w.state), 'utf8');
    expect(journal.endsWith('\n')).toBe(false); // the torn half of beta's intent
    expect(readState(w.state).videos.beta).toBeUndefined(); // never acknowledged, so never sent
    expect(w.sim.stats().accepted).toBe(1);
    const again = await w.apply([], J);
    expect(again.exitCode, again.stderr).toBe(0);
    assertInvariants(w, { expectReady: 2 });
    expect(w.sim.stats().accepted).toBe(2);
    expect(existsSync(journalPath(w.state))).toBe(false);
  });

  it('a crash after the intent was journalled: the next apply finds it in the journal and re-sends the same UUID', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    expect((await w.apply([], J)).exitCode).toBe(0);
    w.write('b.yaml', videoYaml('beta'));
    const crashed = await w.apply([], { REELCTL_FAILPOINT: 'after-submit:crash', ...J });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const intent = readState(w.state).videos.beta.attempts[0];
    expect(JSON.parse(readFileSync(w.state, 'utf8')).videos.beta).toBeUndefined(); // only in the journal
    const again = await w.apply([], J);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(readState(w.state).videos.beta.attempts.map((a: { taskUUID: string }) => a.taskUUID)).toEqual([intent.taskUUID]);
    expect(w.sim.stats().accepted).toBe(2);
    assertInvariants(w, { expectReady: 2 });
  });
});
