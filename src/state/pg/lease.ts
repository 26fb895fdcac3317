// The exclusive state lock on PostgreSQL: a lease row (holder, since, expiry) rather than a session
// advisory lock, which on a pooled connection would outlive its caller. The holder renews the expiry while
// it runs; a holder that dies stops renewing, and once the lease has expired the next `apply` takes it
// over. All times come from the database clock, so hosts with skewed clocks agree. Every state write of
// the holder checks its token in the same transaction (store.ts): a holder whose lease was taken over
// cannot write any more.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import { envInt } from '../../env-int.js';
import { StateError } from '../../errors.js';
import { isStale } from '../lock.js';
import type { LockHolder, StateLock } from '../model.js';

export const LOCK_NAME = 'state';

export interface LeaseTiming {
  /** How long a lease lives without renewal. */
  ttlMs: number;
  /** How often the holder renews it. */
  renewMs: number;
}

export function leaseTiming(env: NodeJS.ProcessEnv): LeaseTiming {
  const ttlMs = envInt(env, 'REELCTL_PG_LOCK_TTL_MS', 30_000, { min: 300, max: 3_600_000 });
  return { ttlMs, renewMs: Math.max(100, Math.floor(ttlMs / 3)) };
}

export interface PgLease extends StateLock {
  readonly token: string;
  /** Set when a renewal found the row gone or taken: the writes of this holder are refused from then on. */
  readonly lost: boolean;
}

interface Row {
  token: string;
  pid: number;
  host: string;
  command: string | null;
  since: Date;
  expires_at: Date;
  expired: boolean;
}

export async function acquireLease(pool: Pool, s: string, label: string, command: string | undefined, t: LeaseTiming, attempt = 1): Promise<PgLease> {
  const token = randomUUID();
  const host = hostname();
  const r = await pool.query<{ since: Date }>(
    `INSERT INTO ${s}.locks (name, token, pid, host, command, since, expires_at)
     VALUES ($1, $2, $3, $4, $5, now(), now() + $6 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET token = excluded.token, pid = excluded.pid, host = excluded.host,
       command = excluded.command, since = excluded.since, expires_at = excluded.expires_at
     WHERE ${s}.locks.expires_at < now()
     RETURNING since`,
    [LOCK_NAME, token, process.pid, host, command ?? null, t.ttlMs],
  );
  if (r.rowCount !== 1) {
    const h = await readLease(pool, s);
    // Like the file lock: a lease left by a process of this host that no longer exists is taken over at
    // once (a killed apply need not block the next one until its lease expires). Only that lease (token).
    if (h && attempt === 1 && isStale({ pid: h.pid, host: h.host, since: h.since.toISOString() })) {
      await pool.query(`DELETE FROM ${s}.locks WHERE name = $1 AND token = $2`, [LOCK_NAME, h.token]);
      return acquireLease(pool, s, label, command, t, 2);
    }
    throw new StateError(h ? describeLease(label, h) : `state in ${label} is locked (the lock changed hands while we looked); try again`, {
      code: 'state.locked',
    });
  }
  const holder: LockHolder = { pid: process.pid, host, since: r.rows[0]!.since.toISOString(), ...(command ? { command } : {}) };
  let lost = false;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = pool
      .query(`UPDATE ${s}.locks SET expires_at = now() + $2 * interval '1 millisecond' WHERE name = $1 AND token = $3`, [LOCK_NAME, t.ttlMs, token])
      .then((u) => {
        if (u.rowCount !== 1) ((lost = true), clearInterval(timer));
      })
      .catch(() => undefined); // a blip: the next tick tries again; the lease outlives a few missed ones
  }, t.renewMs);
  timer.unref();
  return {
    holder,
    token,
    get lost() {
      return lost;
    },
    async release() {
      clearInterval(timer);
      await renewing;
      await pool.query(`DELETE FROM ${s}.locks WHERE name = $1 AND token = $2`, [LOCK_NAME, token]);
    },
  };
}

export async function readLease(pool: Pool, s: string): Promise<Row | undefined> {
  const r = await pool.query<Row>(`SELECT token, pid, host, command, since, expires_at, expires_at < now() AS expired FROM ${s}.locks WHERE name = $1`, [
    LOCK_NAME,
  ]);
  return r.rows[0];
}

export function describeLease(label: string, h: Row): string {
  return `state in ${label} is locked by pid ${h.pid} on host ${h.host} since ${h.since.toISOString()}${h.command ? ` (${h.command})` : ''}; its lease runs until ${h.expires_at.toISOString()} and is renewed while that process lives. If it is gone, run reelctl state force-unlock (or wait for the lease to expire)`;
}

/**
 * Clears the lock when its holder is provably gone: its lease expired, or it ran on this host and its pid
 * no longer exists. Anything else needs `force`. Returns what was done, for the user.
 */
export async function forceUnlockLease(pool: Pool, s: string, label: string, force: boolean): Promise<string> {
  const h = await readLease(pool, s);
  if (!h) return `no lock held on ${label}`;
  const gone = h.expired || isStale({ pid: h.pid, host: h.host, since: h.since.toISOString() });
  if (!gone && !force)
    throw new StateError(`${describeLease(label, h)}. It looks alive: refusing to unlock; pass --force only if you are sure it is not running`, {
      code: 'state.locked',
    });
  // Only the lease we looked at: a lock taken meanwhile by someone else stays.
  const d = await pool.query(`DELETE FROM ${s}.locks WHERE name = $1 AND token = $2`, [LOCK_NAME, h.token]);
  if (d.rowCount !== 1) return `the lock on ${label} changed hands meanwhile; nothing removed`;
  return `removed the lock of pid ${h.pid} on host ${h.host} (since ${h.since.toISOString()}${h.command ? `, ${h.command}` : ''})${gone ? '' : ' — forced'}`;
}
