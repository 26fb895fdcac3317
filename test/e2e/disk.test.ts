// Disk faults (reliability.md fault matrix): a full or read-only disk stops the run with one clear message,
// leaves no partial file under a final name, never corrupts the state, and never pays twice.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertInvariants, videoYaml, walk, workspace, type Workspace, readState } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

describe('disk faults', () => {
  it.each(['enospc', 'erofs'])('%s while writing an output: exit 1, no partial file, the next apply downloads without paying again', async (fault) => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const r = await w.apply([], { REELCTL_FAILPOINT: `during-download:${fault}` });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`cannot write to disk: ${fault.toUpperCase()}`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(walk(w.out).filter((f) => !f.endsWith('.json'))).toEqual([]);
    expect(readState(w.state).videos.alpha.attempts[0].state).toBe('succeeded');
    const again = await w.apply();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(w.sim.stats().accepted).toBe(1);
    assertInvariants(w, { expectReady: 1 });
  });

  it('a full disk while writing the state: exit 1, nothing submitted, the old state untouched', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    expect((await w.apply()).exitCode).toBe(0);
    const before = readFileSync(w.state, 'utf8');
    w.write('b.yaml', videoYaml('beta'));
    const r = await w.apply([], { REELCTL_FAILPOINT: 'during-state-write:enospc' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/cannot write to disk: ENOSPC \(disk full\)/);
    expect(readFileSync(w.state, 'utf8')).toBe(before);
    expect(w.sim.stats().accepted).toBe(1); // the intent for beta was never durable, so it was never sent
    expect(walk(path.dirname(w.state)).some((f) => f.includes('.tmp-'))).toBe(false);
    const again = await w.apply();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(w.sim.stats().accepted).toBe(2);
    expect(existsSync(path.join(w.out, 'beta.mp4'))).toBe(true);
  });
});
