// The lock's host check (issue 18 item 5): a lock is taken over only when its holder is provably dead —
// on this host, with no such process. A holder on another host is never taken over, even when a process
// with its pid does not exist here (the pid means nothing on this host). The existing test used pid 1,
// which always exists, so dropping the host check went unnoticed; this pid exists nowhere.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, isStale } from '../../src/state/lock.js';

/** Above Linux's largest pid_max (2^22): no process here has it (kill(pid, 0) answers ESRCH). */
const DEAD_PID = 2 ** 22 + 4321;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('lock holder on another host', () => {
  it('isStale: a dead pid is stale only on this host', () => {
    expect(isStale({ pid: DEAD_PID, host: hostname(), since: 'then' })).toBe(true);
    expect(isStale({ pid: DEAD_PID, host: `not-${hostname()}`, since: 'then' })).toBe(false);
  });

  it('acquire refuses a lock held by another host, naming it, and leaves the lock file as it was', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reelctl-lockhost-'));
    const lock = path.join(dir, 'state.json.lock');
    const theirs = JSON.stringify({ pid: DEAD_PID, host: 'build-box-7', since: '2026-01-01T00:00:00Z', nonce: 'n' });
    writeFileSync(lock, theirs);
    await expect(acquireLock(lock)).rejects.toThrow(/locked by pid 4198625 on host build-box-7/);
    expect(readFileSync(lock, 'utf8')).toBe(theirs);
    // The same dead pid on this host is taken over: the refusal above is the host check, not the pid.
    writeFileSync(lock, JSON.stringify({ pid: DEAD_PID, host: hostname(), since: '2026-01-01T00:00:00Z', nonce: 'n' }));
    const mine = await acquireLock(lock);
    expect(mine.holder.pid).toBe(process.pid);
    await mine.release();
  });
});
