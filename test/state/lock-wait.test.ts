import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { StateError } from '../../src/errors.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { forceUnlockFile } from '../../src/state/file-unlock.js';
import { lockWithTimeout } from '../../src/state/lock-wait.js';
import type { StateLock } from '../../src/state/model.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'reelctl-lockwait-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A clock whose sleeps pass at once, each one advancing time by what was asked. */
function instantClock(onSleep: (n: number) => Promise<void> | void = () => undefined) {
  const c = new FakeClock();
  let n = 0;
  c.sleep = async (ms) => {
    await c.advance(ms);
    await onSleep(++n);
  };
  return c;
}

describe('--lock-timeout (lockWithTimeout) on the file backend', () => {
  it('0 fails at once, naming the holder and since when', async () => {
    const store = new FileStateStore(path.join(tmp(), 'state.json'));
    const held = await store.lock('reelctl apply');
    let slept = 0;
    const err = await lockWithTimeout(store, 'second', { timeoutMs: 0, clock: instantClock(() => void slept++) }).catch((e) => e);
    expect(err).toMatchObject({ code: 'state.locked' });
    expect(err.message).toContain(`locked by pid ${process.pid} on host ${hostname()} since ${held.holder.since} (reelctl apply)`);
    expect(slept).toBe(0);
    await held.release();
  });

  it('waits while the lock is held and takes it once released', async () => {
    const store = new FileStateStore(path.join(tmp(), 'state.json'));
    const held = await store.lock('first');
    const told: string[] = [];
    const got = await lockWithTimeout(new FileStateStore(store.file), 'second', {
      timeoutMs: 30_000,
      clock: instantClock(async (n) => {
        if (n === 3) await held.release();
      }),
      onWait: (e) => told.push(e.message),
    });
    expect(got.holder.command).toBe('second');
    expect(told).toHaveLength(1);
    await got.release();
  });

  it('gives up after the timeout with the holder in the message', async () => {
    const store = new FileStateStore(path.join(tmp(), 'state.json'));
    const held = await store.lock('first');
    const err = await lockWithTimeout(new FileStateStore(store.file), 'second', { timeoutMs: 5_000, clock: instantClock() }).catch((e) => e);
    expect(err.message).toMatch(/locked by pid .*\(first\).*gave up after waiting 5s/);
    await held.release();
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    const store = {
      lock: async (): Promise<StateLock> => {
        calls++;
        throw new StateError('disk on fire', { code: 'state.lock-io' });
      },
    };
    await expect(lockWithTimeout(store, 'x', { timeoutMs: 60_000, clock: instantClock() })).rejects.toMatchObject({ code: 'state.lock-io' });
    expect(calls).toBe(1);
  });
});

describe('state force-unlock on the file backend', () => {
  it('removes a lock whose process on this host is gone', async () => {
    const lock = path.join(tmp(), 'state.json.lock');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), since: '2026-01-01T00:00:00.000Z', command: 'reelctl apply' }));
    expect(await forceUnlockFile(lock, false)).toMatch(new RegExp(`removed the lock of pid ${dead}`));
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses a live holder (or one on another host) unless forced', async () => {
    const file = path.join(tmp(), 'state.json');
    const held = await new FileStateStore(file).lock('reelctl apply');
    await expect(forceUnlockFile(`${file}.lock`, false)).rejects.toMatchObject({
      code: 'state.locked',
      message: expect.stringMatching(/looks alive.*--force/),
    });
    expect(existsSync(`${file}.lock`)).toBe(true);
    expect(await forceUnlockFile(`${file}.lock`, true)).toMatch(/forced/);
    expect(existsSync(`${file}.lock`)).toBe(false);
    await held.release();
  });

  it('says so when there is no lock', async () => {
    expect(await forceUnlockFile(path.join(tmp(), 'none.lock'), false)).toMatch(/no lock held/);
  });
});
