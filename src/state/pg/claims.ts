// Per-video claims for several `reelctl run --shared` replicas on one PostgreSQL state (the SQL side).
// A claim row says which replica works on a video, until when (the expiry, renewed while it lives; the
// database clock decides), and under which epoch: the epoch rises with every claim, so a replica that was
// paused or cut off and comes back finds a newer epoch and is fenced — its writes for that video are
// dropped (save-sql.ts) and it may no longer pay for it (mayPay). Free and expired claims are taken with
// FOR UPDATE SKIP LOCKED, so replicas never block each other while claiming.
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import { LOCK_NAME } from './lease.js';

export interface Claimed {
  video: string;
  epoch: number;
  /** The replica that held it before (empty: never claimed, or released). */
  prev: string;
}

export class ClaimsDb {
  /** Videos whose claim row is known to exist (rows are never deleted). */
  private readonly rows = new Set<string>();

  constructor(
    private readonly pool: Pool,
    private readonly s: string,
    readonly replicaId: string,
  ) {}

  /** Heartbeat of this replica; returns how many replicas are alive (this one included). */
  async heartbeat(ttlMs: number): Promise<number> {
    const s = this.s;
    await this.pool.query(
      `INSERT INTO ${s}.replicas (id, host, pid, expires_at) VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond')
       ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at`,
      [this.replicaId, hostname(), process.pid, ttlMs],
    );
    await this.pool.query(`DELETE FROM ${s}.replicas WHERE expires_at < now() - interval '1 hour'`);
    const r = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.replicas WHERE expires_at > now()`);
    return Math.max(1, r.rows[0]!.n);
  }

  /**
   * Claims up to `limit` of `names` that nobody holds (free, released or expired), skipping rows another
   * replica is claiming right now. Nothing is claimed while an exclusive `apply` holds the state lock.
   */
  async claim(names: string[], limit: number, ttlMs: number): Promise<Claimed[]> {
    const s = this.s;
    const fresh = names.filter((n) => !this.rows.has(n));
    if (fresh.length) {
      await this.pool.query(`INSERT INTO ${s}.claims (video) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [fresh]);
      for (const n of fresh) this.rows.add(n);
    }
    if (names.length === 0 || limit <= 0) return [];
    const r = await this.pool.query<{ video: string; epoch: string; prev: string }>(
      `WITH free AS (
         SELECT video, holder AS prev FROM ${s}.claims
         WHERE video = ANY($1::text[]) AND expires_at < now()
           AND NOT EXISTS (SELECT 1 FROM ${s}.locks WHERE name = $5 AND expires_at > now())
         ORDER BY video LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       UPDATE ${s}.claims c SET holder = $3, epoch = c.epoch + 1, claimed_at = now(), expires_at = now() + $4 * interval '1 millisecond'
       FROM free WHERE c.video = free.video
       RETURNING c.video, c.epoch, free.prev`,
      [names, limit, this.replicaId, ttlMs, LOCK_NAME],
    );
    return r.rows.map((x) => ({ video: x.video, epoch: Number(x.epoch), prev: x.prev }));
  }

  /** Renews every held claim still at our epoch; returns the names still held (the rest were taken). */
  async renew(held: ReadonlyMap<string, number>, ttlMs: number): Promise<Set<string>> {
    if (held.size === 0) return new Set();
    const r = await this.pool.query<{ video: string }>(
      `UPDATE ${this.s}.claims c SET expires_at = now() + $4 * interval '1 millisecond'
       FROM unnest($1::text[], $2::bigint[]) AS h(video, epoch)
       WHERE c.video = h.video AND c.epoch = h.epoch AND c.holder = $3
       RETURNING c.video`,
      [[...held.keys()], [...held.values()], this.replicaId, ttlMs],
    );
    return new Set(r.rows.map((x) => x.video));
  }

  /** Gives claims back at once (graceful stop, rebalancing), so others need not wait for the expiry. */
  async release(held: ReadonlyMap<string, number>): Promise<void> {
    if (held.size === 0) return;
    await this.pool.query(
      `UPDATE ${this.s}.claims c SET holder = '', expires_at = '-infinity'
       FROM unnest($1::text[], $2::bigint[]) AS h(video, epoch)
       WHERE c.video = h.video AND c.epoch = h.epoch AND c.holder = $3`,
      [[...held.keys()], [...held.values()], this.replicaId],
    );
  }

  /**
   * The last check before a paid request: the task's intent is in PostgreSQL, under a video this replica
   * still holds at `epochOf(video)`. Returns the video's name, or undefined when it must not be sent.
   */
  async mayPay(taskUUID: string, epochOf: (video: string) => number | undefined): Promise<{ ok: boolean; video?: string }> {
    const r = await this.pool.query<{ video: string; holder: string | null; epoch: string | null }>(
      `SELECT a.video, c.holder, c.epoch FROM ${this.s}.attempts a LEFT JOIN ${this.s}.claims c ON c.video = a.video WHERE a.task_uuid = $1`,
      [taskUUID],
    );
    const row = r.rows[0];
    if (!row) return { ok: false };
    const mine = epochOf(row.video);
    return { ok: row.holder === this.replicaId && mine !== undefined && Number(row.epoch) === mine, video: row.video };
  }

  /** Live claims of anyone (an exclusive lock is refused while replicas work on the state). */
  static async liveClaims(pool: Pool, s: string): Promise<number> {
    const r = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.claims WHERE expires_at > now()`);
    return r.rows[0]!.n;
  }
}
