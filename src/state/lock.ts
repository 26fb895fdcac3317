// The exclusive state lock: a lock file holding {pid, host, since, command, nonce}, created whole (written
// under a unique temp name, then link()ed to its name: link fails if the name exists, like O_EXCL, and
// nobody ever sees a half-written lock). A lock left by a dead process on this host is taken over;
// anything else is refused, naming the holder.
//
// Taking over must not let two processes hold the lock (issue 17). Read → unlink → create does: two
// processes that both read the dead holder both unlink and create, the second unlinking the first's fresh
// lock. Here a takeover is serialised by a token per stale lock *content*:
//   1. read the lock's bytes S and see its holder is dead;
//   2. create `<lock>.takeover-<sha256(S)>` exclusively (link, as above). One process gets it; the others
//      step back and look again;
//   3. the token's owner re-reads the lock: still exactly S? then unlink it and create ours exclusively.
// Why no two holders: a lock whose bytes are S is only ever removed by the owner of S's token, after
// checking the bytes are still S; every lock's bytes are unique (pid, time, random nonce), so once S is
// gone it never comes back, and a late process holding an old token finds other bytes and steps back. The
// final create is exclusive, so a fresh acquirer slipping in between unlink and create simply wins.
// A taker that dies holding its token leaves a token whose holder is dead: it is taken over the same way
// (a token for the token, bounded depth). Tokens and temp files of dead processes are swept once we hold it.
import { randomBytes, createHash } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { StateError } from '../errors.js';
import type { LockHolder, StateLock } from './model.js';

/** A takeover in progress elsewhere usually ends within milliseconds: look again, a bounded number of times. */
const ROUNDS = 50;
const ROUND_WAIT_MS = 5;
const MAX_TOKEN_DEPTH = 2;

export async function acquireLock(lockFile: string, command?: string): Promise<StateLock> {
  await mkdir(path.dirname(lockFile), { recursive: true });
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    ...(command ? { command } : {}),
    nonce: randomBytes(8).toString('hex'),
  };
  const mine = JSON.stringify(holder) + '\n';
  for (let round = 0; round < ROUNDS; round++) {
    if (await createWhole(lockFile, mine)) return held(lockFile, holder);
    const seen = await readBytes(lockFile);
    if (seen === undefined) continue; // released meanwhile: try again
    const other = parseHolder(seen);
    if (!other || !isStale(other)) throw new StateError(describeHolder(lockFile, other), { code: 'state.locked' });
    if (await takeOver(lockFile, seen, mine, 0)) return held(lockFile, holder);
    await new Promise((r) => setTimeout(r, ROUND_WAIT_MS)); // another process is taking it over: look again
  }
  throw new StateError(describeHolder(lockFile, parseHolder((await readBytes(lockFile)) ?? '')), { code: 'state.locked' });
}

async function held(lockFile: string, holder: LockHolder): Promise<StateLock> {
  await sweep(lockFile);
  return { holder, release: () => release(lockFile, holder) };
}

/** Replaces `file`, whose bytes we saw as `seen` (a dead holder), by `mine`. True when we did. */
async function takeOver(file: string, seen: string, mine: string, depth: number): Promise<boolean> {
  const token = `${file}.takeover-${createHash('sha256').update(seen).digest('hex').slice(0, 16)}`;
  if (!(await createWhole(token, mine))) {
    const tokenSeen = await readBytes(token);
    const taker = tokenSeen === undefined ? undefined : parseHolder(tokenSeen);
    // Someone else is taking it over (or just finished): step back. A dead taker's token is taken over.
    if (tokenSeen === undefined || !taker || !isStale(taker) || depth >= MAX_TOKEN_DEPTH) return false;
    if (!(await takeOver(token, tokenSeen, mine, depth + 1))) return false;
  }
  try {
    if ((await readBytes(file)) !== seen) return false; // already taken over by someone else
    await unlink(file).catch(ignoreMissing);
    return await createWhole(file, mine);
  } finally {
    await unlink(token).catch(() => undefined); // still ours: only a dead owner's token is ever replaced
  }
}

/** Creates `file` with `content` all at once, only if no such name exists. False when it exists. */
async function createWhole(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  const fh = await open(tmp, 'wx', 0o600).catch((err: unknown) => {
    throw new StateError(`cannot create lock ${file}: ${(err as Error).message}`, { code: 'state.lock-io', cause: err });
  });
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StateError(`cannot create lock ${file}: ${(err as Error).message}`, { code: 'state.lock-io', cause: err });
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function readBytes(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text) as LockHolder;
    return h && typeof h === 'object' ? h : undefined;
  } catch {
    return undefined;
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

/** Takeover tokens and temp files left by dead processes (harmless, but clutter): removed once we hold the lock. */
async function sweep(lockFile: string): Promise<void> {
  const base = path.basename(lockFile);
  const names = await readdir(path.dirname(lockFile)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(`${base}.takeover-`) && !name.startsWith(`${base}.tmp-`)) continue;
    const file = path.join(path.dirname(lockFile), name);
    const tmpPid = /\.tmp-(\d+)-[0-9a-f]+$/.exec(name)?.[1];
    const owner = tmpPid ? { pid: Number(tmpPid), host: hostname(), since: '' } : parseHolder((await readBytes(file)) ?? '');
    if (owner && isStale(owner)) await unlink(file).catch(() => undefined);
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
  const current = parseHolder((await readBytes(lockFile)) ?? '');
  if (current && current.pid === holder.pid && current.since === holder.since && current.nonce === holder.nonce) await unlink(lockFile).catch(() => undefined);
}
