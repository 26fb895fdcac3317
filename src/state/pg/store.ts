// The state in PostgreSQL: the same StateStore contract as the file (serial, lineage, exclusive lock),
// one row per video plus its attempts and outputs (rows.ts). A save is one transaction that rewrites only
// the videos whose record changed (a digest per video says which) and bumps the serial; `append` (the
// journal path of the state writer) is the same transaction given just the changed records, so there is
// nothing to compact. Reads see one consistent snapshot (REPEATABLE READ).
import pg, { type Pool, type PoolClient } from 'pg';
import { StateError } from '../../errors.js';
import { failpoint } from '../../failpoints.js';
import { decodeStateObject } from '../codec.js';
import type { AppendResult, StateFile, StateLock, StateStore, VideoState, WriteOptions } from '../model.js';
import { pgError } from './errors.js';
import { acquireLease, describeLease, forceUnlockLease, leaseTiming, LOCK_NAME, readLease, type LeaseTiming, type PgLease } from './lease.js';
import { ClaimsDb } from './claims.js';
import { ensureSchema } from './migrations.js';
import { addVideo, digestOf, emptyBatch, insertStatements, selectVideos } from './rows.js';
import { parsePgUrl, quoteIdent, type PgTarget } from './url.js';

type Rec = { v: VideoState; json: string };

export interface SharedMode {
  replicaId: string;
  /** The videos this replica claims → the epoch of its claim. */
  epochs: ReadonlyMap<string, number>;
  /** Told after a save which videos' records were dropped because a newer claim exists. */
  onFenced(names: string[]): void;
}

interface Meta {
  serial: number;
  lineage: string;
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

  constructor(target: string | PgTarget, env: NodeJS.ProcessEnv) {
    const t = typeof target === 'string' ? parsePgUrl(target, env) : target;
    this.label = t.label;
    this.schema = t.schema;
    this.s = quoteIdent(t.schema);
    this.timing = leaseTiming(env);
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
    for (const [name, json] of changes) records.set(name, json === null ? null : { v: JSON.parse(json) as VideoState, json });
    const serial = await this.save('saving the state', undefined, 0, undefined, () => records);
    return { serial, journalBytes: 0 };
  }

  /**
   * One save transaction: fence check, serial + lineage, then only the records whose digest differs from
   * the stored one are rewritten (`records`: name → new record, null = removed).
   */
  private async save(
    doing: string,
    lineage: string | undefined,
    minSerial: number,
    version: number | undefined,
    pick: (known: ReadonlyMap<string, string>) => Map<string, Rec | null>,
  ): Promise<number> {
    await this.ready(true);
    return this.guard(doing, () =>
      this.tx(
        'BEGIN',
        async (c) => {
          await this.checkFence(c);
          const m = await c.query<{ serial: string; lineage: string }>(`SELECT serial, lineage FROM ${this.s}.state_meta WHERE id = 1 FOR UPDATE`);
          const meta: Meta | undefined = m.rows[0] && { serial: Number(m.rows[0].serial), lineage: m.rows[0].lineage };
          if (meta && lineage !== undefined && meta.lineage !== lineage)
            throw new StateError(`refusing to write state of lineage ${lineage} over ${this.label} (lineage ${meta.lineage})`, { code: 'state.lineage' });
          if (!meta && lineage === undefined)
            throw new StateError('the state needs a first full save before changes can be appended', { code: 'state.no-snapshot' });
          const shared = this.shared;
          if (!shared && (!meta || this.knownSerial !== meta.serial)) {
            // Someone else wrote since we last looked (or we never did): start from what is stored.
            const d = await c.query<{ name: string; digest: string }>(`SELECT name, digest FROM ${this.s}.videos`);
            this.digests = new Map(d.rows.map((r) => [r.name, r.digest]));
          }
          const digests = shared ? new Map<string, string>() : new Map(this.digests);
          let picked = pick(digests);
          let fenced: string[] = [];
          if (shared) [picked, fenced] = await this.onlyOurs(c, shared, picked);
          const batch = emptyBatch();
          const gone: string[] = [];
          for (const [name, rec] of picked) {
            if (rec === null) {
              if (digests.delete(name) || shared) gone.push(name);
              continue;
            }
            const d = digestOf(rec.json);
            if (digests.get(name) === d) continue;
            if (digests.has(name) || shared) gone.push(name);
            digests.set(name, d);
            addVideo(batch, name, rec.v, rec.json);
          }
          if (gone.length) await c.query(`DELETE FROM ${this.s}.videos WHERE name = ANY($1::text[])`, [gone]);
          for (const q of insertStatements(this.s, batch)) await c.query(q);
          const serial = Math.max(meta?.serial ?? 0, minSerial) + 1;
          await c.query(
            `INSERT INTO ${this.s}.state_meta (id, version, serial, lineage) VALUES (1, $1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET version = COALESCE($4, ${this.s}.state_meta.version), serial = excluded.serial, updated_at = now()`,
            [version ?? 1, serial, meta?.lineage ?? lineage, version ?? null],
          );
          failpoint('during-state-write'); // a crash here: the server rolls the transaction back
          await c.query('COMMIT');
          if (!shared) this.digests = digests;
          this.knownSerial = serial;
          if (fenced.length) shared?.onFenced(fenced);
          return serial;
        },
        true,
      ),
    );
  }

  /**
   * Shared mode (several `run --shared` replicas): a replica writes only the videos it claims, and only
   * while its claim is the newest (the epoch it got). Records of a video claimed anew by another replica
   * are dropped — the writes of a fenced replica never land — and reported to it. Always a full rewrite of
   * each given record (no digest cache: other replicas change the table under us).
   */
  private async onlyOurs(c: PoolClient, sh: SharedMode, picked: Map<string, Rec | null>): Promise<[Map<string, Rec | null>, string[]]> {
    const names = [...picked.keys()].filter((n) => sh.epochs.has(n));
    if (names.length === 0) return [new Map(), []];
    const ok = await ClaimsDb.current(c, this.s, sh.replicaId, sh.epochs, names);
    const out = new Map<string, Rec | null>();
    for (const n of names) if (ok.has(n)) out.set(n, picked.get(n)!);
    return [out, names.filter((n) => !ok.has(n))];
  }

  /** Shared mode on: from now on writes are limited to claimed videos (see onlyOurs). */
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

  /** Writes need our lease when we hold one, and nobody else's live lease when we do not. */
  private async checkFence(c: PoolClient): Promise<void> {
    const r = await c.query<{ token: string; expired: boolean }>(`SELECT token, expires_at < now() AS expired FROM ${this.s}.locks WHERE name = $1 FOR SHARE`, [
      LOCK_NAME,
    ]);
    const row = r.rows[0];
    if (this.lease) {
      if (row?.token !== this.lease.token)
        throw new StateError(
          `lost the state lock on ${this.label} (its lease expired and ${row ? 'another process took it' : 'it was force-unlocked'}); nothing was written`,
          { code: 'state.lock-lost' },
        );
    } else if (row && !row.expired) {
      const h = await readLease(this.pool, this.s);
      throw new StateError(h ? describeLease(this.label, h) : `state in ${this.label} is locked`, { code: 'state.locked' });
    }
  }

  /** Runs `f` in a transaction on one pooled connection (`f` commits itself when `selfCommit`). */
  private async tx<T>(begin: string, f: (c: PoolClient) => Promise<T>, selfCommit = false): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query(begin);
      const out = await f(c);
      if (!selfCommit) await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
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
