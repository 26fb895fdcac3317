// The exclusive state lock: a lock file created with O_EXCL holding {pid, host, since, command}.
// A lock left by a dead process on this host is taken over; anything else is refused, naming the holder.
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { StateError } from '../errors.js';
import type { LockHolder, StateLock } from './model.js';

export async function acquireLock(lockFile: string, command?: string): Promise<StateLock> {
  await mkdir(path.dirname(lockFile), { recursive: true });
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), ...(command ? { command } : {}) };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(lockFile, 'wx', 0o600);
      await fh.writeFile(JSON.stringify(holder) + '\n');
      await fh.sync();
      await fh.close();
      return { holder, release: () => release(lockFile, holder) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new StateError(`cannot create lock ${lockFile}: ${(err as Error).message}`, { code: 'state.lock-io', cause: err });
      const other = await readHolder(lockFile);
      if (other && isStale(other)) {
        await unlink(lockFile).catch(() => undefined);
        continue;
      }
      throw new StateError(describeHolder(lockFile, other), { code: 'state.locked' });
    }
  }
  throw new StateError(`cannot take the lock ${lockFile}`, { code: 'state.locked' });
}

async function readHolder(lockFile: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(lockFile, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Stale only when we can prove it: same host, and no process with that pid. */
export function isStale(h: LockHolder): boolean {
  if (h.host !== hostname() || typeof h.pid !== 'number') return false;
  if (h.pid === process.pid) return false;
  try {
    process.kill(h.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function describeHolder(lockFile: string, h: LockHolder | undefined): string {
  if (!h) return `state is locked (${lockFile} exists but is unreadable); if no reelctl is running, remove ${lockFile}`;
  return `state is locked by pid ${h.pid} on host ${h.host} since ${h.since}${h.command ? ` (${h.command})` : ''}; if that process is gone, remove ${lockFile}`;
}

async function release(lockFile: string, holder: LockHolder): Promise<void> {
  const current = await readHolder(lockFile);
  if (current && current.pid === holder.pid && current.since === holder.since) await unlink(lockFile).catch(() => undefined);
}
