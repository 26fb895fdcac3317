// Issue 17 item 1: the state lock cannot have two holders, also when a lock left by a dead process is
// taken over by several processes at once (what every kill -9 followed by a CI retry or a cron overlap does).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/state/lock.js';
import { ensureBuilt, root } from '../daemon/build.js';

const WORKERS = 6;
const ROUNDS = 25;

let dir: string | undefined;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A pid that belonged to a process of ours that has exited (so no process has it now). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

const staleLock = (file: string, round: number) =>
  writeFileSync(
    file,
    JSON.stringify({ pid: deadPid(), host: hostname(), since: new Date().toISOString(), command: `dead ${round}`, nonce: `dead${round}` }) + '\n',
  );

describe('state lock takeover', () => {
  it(`${WORKERS} processes × ${ROUNDS} rounds racing for a lock left by a dead pid: never two holders`, { timeout: 120_000 }, async () => {
    ensureBuilt();
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-lock-race-'));
    const lockFile = path.join(dir, 'state.json.lock');
    const log = path.join(dir, 'holders.log');
    writeFileSync(log, '');
    const worker = path.join(root, 'test/state/fixtures/lock-worker.mjs');
    const distLock = path.join(root, 'dist/src/state/lock.js');
    for (let i = 0; i < WORKERS; i++) {
      const c = spawn(process.execPath, [worker, distLock, lockFile, log, String(i)], { stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(c);
      const queue: string[] = [];
      let waiting: ((l: string) => void) | undefined;
      createInterface({ input: c.stdout! }).on('line', (l) => (waiting ? (waiting(l), (waiting = undefined)) : queue.push(l)));
      (c as ChildProcess & { next: () => Promise<string> }).next = () => new Promise((r) => (queue.length ? r(queue.shift()!) : (waiting = r)));
    }
    let takeovers = 0;
    for (let round = 0; round < ROUNDS; round++) {
      staleLock(lockFile, round);
      for (const c of children) c.stdin!.write(`go ${round}\n`);
      const outcomes = await Promise.all(children.map((c) => (c as ChildProcess & { next: () => Promise<string> }).next()));
      for (const o of outcomes) expect(o).toMatch(new RegExp(`^done ${round} (held|locked)$`));
      expect(outcomes.some((o) => o.endsWith('held'))).toBe(true);
      takeovers++;
    }
    // The log: every enter is followed by the exit of the same holder, and nobody's lock file was replaced.
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.startsWith('stolen'))).toEqual([]);
    for (let i = 0; i < lines.length; i += 2) {
      const [kind, id, round] = lines[i]!.split(' ');
      expect(kind, `line ${i + 1}: ${lines[i]}`).toBe('enter');
      expect(lines[i + 1], `line ${i + 2}`).toBe(`exit ${id} ${round}`);
    }
    expect(takeovers).toBe(ROUNDS);
    expect(existsSync(lockFile)).toBe(false); // the last holder released it
    expect(readdirSync(dir).filter((n) => n.includes('.takeover-') || n.includes('.tmp-'))).toEqual([]);
  });

  it('a takeover token left by a dead taker does not block the lock forever', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-lock-token-'));
    const lockFile = path.join(dir, 'state.json.lock');
    staleLock(lockFile, 0);
    const seen = readFileSync(lockFile, 'utf8');
    const { createHash } = await import('node:crypto');
    const token = `${lockFile}.takeover-${createHash('sha256').update(seen).digest('hex').slice(0, 16)}`;
    writeFileSync(token, JSON.stringify({ pid: deadPid(), host: hostname(), since: 'x', nonce: 'deadtaker' }) + '\n');
    const lock = await acquireLock(lockFile, 'test');
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).nonce).toBe(lock.holder.nonce);
    expect(readdirSync(dir).sort()).toEqual(['state.json.lock']);
    await lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('a live holder is refused, named in the error', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-lock-live-'));
    const lockFile = path.join(dir, 'state.json.lock');
    writeFileSync(lockFile, JSON.stringify({ pid: process.ppid, host: hostname(), since: 'then', command: 'apply' }) + '\n');
    await expect(acquireLock(lockFile)).rejects.toThrow(new RegExp(`locked by pid ${process.ppid} .*\\(apply\\)`));
  });
});
