// The state in PostgreSQL: the same StateStore contract as the file (serial, lineage, exclusive lock),
// one row per video plus its attempts and outputs (rows.ts). A save is one statement (save-sql.ts: its own
// transaction, one round trip) that rewrites only the videos whose record changed (a digest per video says
// which) and bumps the serial; `append` (the journal path of the state writer) is the same save given just
// the changed records, so there is nothing to compact. Reads see one consistent snapshot (REPEATABLE READ).
import pg, { type Pool, type PoolClient } from 'pg';
import { StateError } from '../../errors.js';
import { failpoint } from '../../failpoints.js';
import { checkRecordForWrite, checkStateForWrite, decodeStateObject } from '../codec.js';
import type { AppendResult, StateFile, StateLock, StateStore, VideoState, WriteOptions } from '../model.js';
import { pgError } from './errors.js';
import { acquireLease, describeLease, forceUnlockLease, leaseTiming, LOCK_NAME, readLease, type LeaseTiming, type PgLease } from './lease.js';
import { ClaimsDb } from './claims.js';
import { refusal, saveStatement, saveValues, type SaveAnswer } from './save-sql.js';
import { ensureSchema } from './migrations.js';
import { addVideo, digestOf, emptyBatch, selectVideos } from './rows.js';
import { parsePgUrl, quoteIdent, type PgTarget } from './url.js';

const NOTHING_SAVED = 'Nothing was saved: the database holds the state as it was.';

type Rec = { v: VideoState; json: string };

export interface SharedMode {
  replicaId: string;
  /** The videos this replica claims → the epoch of its claim. */
  epochs: ReadonlyMap<string, number>;
  /** Told after a save which videos' records were dropped because a newer claim exists. */
  onFenced(names: string[]): void;
}

export class PgStateStore implements StateStore {
  readonly label: string;
  readonly schema: string;
  private readonly s: string;
  private readonly pool: Pool;
  private readonly timing: LeaseTiming;
  private migrated = false;
  private lease: PgLease | undefined;
  /** name → digest of each record as stored, valid while the database is at `knownSerial`. */
  private digests = new Map<string, string>();
  private knownSerial: number | undefined;
  private shared: SharedMode | undefined;
  private readonly saveSql: { name: string; text: string };

  constructor(target: string | PgTarget, env: NodeJS.ProcessEnv) {
    const t = typeof target === 'string' ? parsePgUrl(target, env) : target;
    this.label = t.label;
    this.schema = t.schema;
    this.s = quoteIdent(t.schema);
    this.timing = leaseTiming(env);
    this.saveSql = saveStatement(this.s);
    this.pool = new pg.Pool({ ...t.config, max: 4 });
    this.pool.on('error', () => undefined); // an idle connection dropped by the server: the next query reconnects
  }

  /** Our tables, migrated; false when they do not exist and `create` is false (read-only use). */
  private async ready(create: boolean): Promise<boolean> {
    if (this.migrated) return true;
    const ok = await this.guard('opening the state', () => ensureSchema(this.pool, this.schema, { create, label: this.label }));
    this.migrated = ok;
    return ok;
  }

  private async guard<T>(doing: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      throw pgError(err, this.label, doing);
    }
  }

  async read(): Promise<StateFile | null> {
    if (!(await this.ready(false))) return null;
    const raw = await this.guard('reading the state', () =>
      this.tx('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (c) => {
        const m = await c.query<{ version: number; serial: string; lineage: string }>(`SELECT version, serial, lineage FROM ${this.s}.state_meta WHERE id = 1`);
        const meta = m.rows[0];
        if (!meta) return null;
        const { videos, digests } = await selectVideos(c, this.s);
        this.digests = digests;
        this.knownSerial = Number(meta.serial);
        return { version: meta.version, serial: Number(meta.serial), lineage: meta.lineage, videos };
      }),
    );
    return raw === null ? null : decodeStateObject(raw, this.label);
  }

  async write(next: StateFile, opts: WriteOptions = {}): Promise<StateFile> {
    // The writer learns each record's digest through `encode` (it then skips saves that change nothing).
    if (opts.encode) for (const _ of opts.encode(next));
    checkStateForWrite(next, this.label, NOTHING_SAVED); // a state its schema would reject never reaches the database
    const records = new Map<string, { v: VideoState; json: string } | null>();
    for (const [name, v] of Object.entries(next.videos)) records.set(name, { v, json: JSON.stringify(v) });
    const serial = await this.save('saving the state', next.lineage, next.serial, next.version, (known) => {
      for (const name of known.keys()) if (!records.has(name)) records.set(name, null);
      return records;
    });
    return { ...next, serial };
  }

  async append(changes: ReadonlyMap<string, string | null>): Promise<AppendResult> {
    const records = new Map<string, { v: VideoState; json: string } | null>();
    for (const [name, json] of changes) {
      const v = json === null ? null : (JSON.parse(json) as VideoState);
      if (v) checkRecordForWrite(name, v, this.label, NOTHING_SAVED); // before anything is sent: nothing saved
      records.set(name, v && { v, json: json! });
    }
    const serial = await this.save('saving the state', undefined, 0, undefined, () => records);
    return { serial, journalBytes: 0 };
  }

  /**
   * One save: one statement (save-sql.ts) that checks the fence, the lineage and the serial and rewrites
   * only the records whose digest differs from the stored one (`records`: name → new record, null =
   * removed). In shared mode only the videos this replica claims at its epoch are written (see SharedMode).
   */
  private async save(
    doing: string,
    lineage: string | undefined,
    minSerial: number,
    version: number | undefined,
    pick: (known: ReadonlyMap<string, string>) => Map<string, Rec | null>,
  ): Promise<number> {
    await this.ready(true);
    return this.guard(doing, async () => {
      const shared = this.shared;
      for (let attempt = 1; ; attempt++) {
        // Without a digest cache valid for a known serial, start from what is stored.
        if (!shared && this.knownSerial === undefined) await this.loadDigests();
        // Read, not copied (a copy of 10,000 digests per save costs more than the rest of it): the changes
        // go to `next` and into the cache once the save is in.
        const known: ReadonlyMap<string, string> = shared ? new Map<string, string>() : this.digests;
        const next = new Map<string, string | null>();
        let picked = pick(known);
        // Shared mode: only records of videos we claimed go to the database (which keeps those we still hold).
        const claimed = shared ? [...picked.keys()].filter((n) => shared.epochs.has(n)) : [];
        if (shared) picked = new Map(claimed.map((n) => [n, picked.get(n)!]));
        const batch = emptyBatch();
        const gone: string[] = [];
        for (const [name, rec] of picked) {
          if (rec === null) {
            if (known.has(name) || shared) (gone.push(name), next.set(name, null));
            continue;
          }
          const d = digestOf(rec.json);
          if (known.get(name) === d) continue;
          next.set(name, d);
          addVideo(batch, name, rec.v, d);
        }
        failpoint('during-state-write'); // a crash here: nothing was sent, nothing written
        const r = await this.pool.query<SaveAnswer>({
          ...this.saveSql,
          values: saveValues({
            lockName: LOCK_NAME,
            leaseToken: this.lease?.token ?? null,
            lineage: lineage ?? null,
            expectSerial: shared ? null : this.knownSerial!,
            minSerial,
            version: version ?? null,
            gone,
            batch,
            shared: shared ? { replicaId: shared.replicaId, names: claimed, epochs: claimed.map((n) => shared.epochs.get(n)!) } : null,
          }),
        });
        const a = r.rows[0]!;
        if (a.status === 'stale' && attempt < 5) {
          this.knownSerial = undefined; // someone else wrote since we last looked: reload the digests, again
          continue;
        }
        if (a.status !== 'ok')
          throw await refusal(a, this.label, lineage, async () => {
            const h = await readLease(this.pool, this.s);
            return h && describeLease(this.label, h);
          });
        const serial = Number(a.serial);
        if (!shared) for (const [n, d] of next) d === null ? this.digests.delete(n) : this.digests.set(n, d);
        this.knownSerial = serial;
        if (shared) {
          const mine = new Set(a.mine);
          const fenced = claimed.filter((n) => !mine.has(n));
          if (fenced.length) shared.onFenced(fenced);
        }
        return serial;
      }
    });
  }

  /** The stored digests and the serial they belong to (-1: no state yet), from one statement's snapshot. */
  private async loadDigests(): Promise<void> {
    const r = await this.pool.query<{ name: string | null; digest: string; serial: string | null }>(
      `SELECT NULL AS name, NULL AS digest, (SELECT serial::text FROM ${this.s}.state_meta WHERE id = 1) AS serial
       UNION ALL SELECT name, digest, NULL FROM ${this.s}.videos`,
    );
    const digests = new Map<string, string>();
    let serial = -1;
    for (const row of r.rows)
      if (row.name === null) serial = row.serial === null ? -1 : Number(row.serial);
      else digests.set(row.name, row.digest);
    this.digests = digests;
    this.knownSerial = serial;
  }

  /** Shared mode on: from now on writes are limited to claimed videos (see save). */
  share(mode: SharedMode): ClaimsDb {
    this.shared = mode;
    return new ClaimsDb(this.pool, this.s, mode.replicaId);
  }

  /** The stored records of `names` (a replica that claims a video starts from what is in the database). */
  async loadVideos(names: string[]): Promise<Record<string, VideoState>> {
    if (names.length === 0) return {};
    return this.guard('reading videos', () =>
      this.tx('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', async (c) => (await selectVideos(c, this.s, names)).videos),
    );
  }

  /** Before a paid request (pay-guard.ts): the intent `taskUUID` is stored and our lease is still ours. */
  async checkPayable(taskUUID: string): Promise<void> {
    const r = await this.guard('checking the task intent', () =>
      this.pool.query<{ token: string | null; stored: boolean }>(
        `SELECT (SELECT token::text FROM ${this.s}.locks WHERE name = $1) AS token, EXISTS (SELECT 1 FROM ${this.s}.attempts WHERE task_uuid = $2) AS stored`,
        [LOCK_NAME, taskUUID],
      ),
    );
    const row = r.rows[0]!;
    if (this.lease && row.token !== this.lease.token)
      throw new StateError(`lost the state lock on ${this.label} (another process holds it now); task ${taskUUID} was not sent`, { code: 'state.lock-lost' });
    if (!row.stored)
      throw new StateError(`task ${taskUUID} is not recorded in ${this.label} yet; not sent (will retry)`, { code: 'state.intent-missing', retryable: true });
  }

  /** Runs `f` in a (read) transaction on one pooled connection. */
  private async tx<T>(begin: string, f: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    // The server may end the session between two statements (idle_in_transaction_session_timeout, after a
    // freeze): the pool listens for that only on idle clients, so listen here too, or it would crash us.
    let lost: unknown;
    const onError = (err: unknown) => void (lost ??= err);
    c.on('error', onError);
    try {
      await c.query(begin);
      const out = await f(c);
      await c.query('COMMIT');
      c.off('error', onError);
      c.release();
      return out;
    } catch (err) {
      const broken = await c.query('ROLLBACK').then(
        () => lost !== undefined,
        () => true,
      );
      c.off('error', onError);
      c.release(broken); // a broken session is dropped, not pooled
      throw err;
    }
  }

  async lock(command?: string): Promise<StateLock> {
    await this.ready(true);
    const live = await this.guard('taking the state lock', () => ClaimsDb.liveClaims(this.pool, this.s));
    if (live > 0)
      throw new StateError(
        `state in ${this.label} is being worked on by reelctl run --shared replicas (${live} live video claims); stop them first, or wait for their claims to expire`,
        { code: 'state.locked' },
      );
    const lease = await this.guard('taking the state lock', () => acquireLease(this.pool, this.s, this.label, command, this.timing));
    this.lease = lease;
    return {
      holder: lease.holder,
      release: async () => {
        if (this.lease === lease) this.lease = undefined;
        await this.guard('releasing the state lock', () => lease.release());
      },
    };
  }

  /**
   * The lock of a `run --shared` replica: no exclusive lease (replicas claim videos instead), but refused
   * while an exclusive holder (an apply) has the state.
   */
  async sharedLock(command?: string): Promise<StateLock> {
    await this.ready(true);
    const h = await this.guard('checking the state lock', () => readLease(this.pool, this.s));
    if (h && !h.expired) throw new StateError(describeLease(this.label, h), { code: 'state.locked' });
    return { holder: { pid: process.pid, host: 'shared', since: new Date().toISOString(), ...(command ? { command } : {}) }, release: async () => undefined };
  }

  /** `reelctl state force-unlock`. */
  async forceUnlock(force: boolean): Promise<string> {
    if (!(await this.ready(false))) return `no lock held on ${this.label} (no reelctl state there)`;
    return this.guard('unlocking the state', () => forceUnlockLease(this.pool, this.s, this.label, force));
  }

  /** The state writer closes the store at the end of a run; the pool stays for the lock's release. */
  async close(): Promise<void> {}

  /** Ends the connection pool (after the lock is released). */
  async end(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
