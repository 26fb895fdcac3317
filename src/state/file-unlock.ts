// `reelctl state force-unlock` for the file backend: removes `<state>.lock` when its holder is provably
// gone (same host, no such pid — lock.ts's own staleness test), or with --force. Uses only lock.ts's
// exported API; the lock file's format is {pid, host, since, command}.
import { readFile, unlink } from 'node:fs/promises';
import { StateError } from '../errors.js';
import { isStale } from './lock.js';
import type { LockHolder } from './model.js';

export async function forceUnlockFile(lockFile: string, force: boolean): Promise<string> {
  let text: string;
  try {
    text = await readFile(lockFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return `no lock held (${lockFile} does not exist)`;
    throw new StateError(`cannot read the lock ${lockFile}: ${(err as Error).message}`, { code: 'state.lock-io', cause: err });
  }
  const h = parseHolder(text);
  const who = h ? `pid ${h.pid} on host ${h.host} since ${h.since}${h.command ? ` (${h.command})` : ''}` : 'an unreadable holder';
  const gone = h !== undefined && isStale(h);
  if (!gone && !force)
    throw new StateError(
      `state is locked by ${who}, which ${h ? 'looks alive (or runs on another host)' : 'cannot be checked'}; refusing to unlock. Pass --force only if you are sure it is not running`,
      { code: 'state.locked' },
    );
  // Remove only the lock we looked at: one taken meanwhile by a new holder stays.
  const again = await readFile(lockFile, 'utf8').catch(() => undefined);
  if (again !== text) return `the lock ${lockFile} changed hands meanwhile; nothing removed`;
  await unlink(lockFile).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw new StateError(`cannot remove the lock ${lockFile}: ${err.message}`, { code: 'state.lock-io', cause: err });
  });
  return `removed the lock of ${who}${gone ? '' : ' — forced'}`;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h?.pid === 'number' && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}
