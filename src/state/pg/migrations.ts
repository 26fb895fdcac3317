// Versioned SQL migrations of reelctl's PostgreSQL schema, applied in order on first use (in one
// transaction, serialized by a transaction-scoped advisory lock so two first runs cannot race). A database
// migrated by a newer reelctl is refused before anything is read or written.
import type { Pool, PoolClient } from 'pg';
import { StateError } from '../../errors.js';
import { quoteIdent } from './url.js';

/** Migration N (1-based) brings the schema from version N-1 to N. `$S` is the quoted schema. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE $S.state_meta (
     id smallint PRIMARY KEY CHECK (id = 1),
     version integer NOT NULL,
     serial bigint NOT NULL,
     lineage text NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now()
   );
   -- json (not jsonb) keeps each record's key order, so a record read back serializes byte-identically
   -- and its digest tells whether a later save really changed it.
   CREATE TABLE $S.videos (
     name text PRIMARY KEY,
     spec_hash text NOT NULL,
     phase text NOT NULL,
     output_path text NOT NULL,
     cost_usd double precision NOT NULL,
     updated_at text NOT NULL,
     digest text NOT NULL,
     doc json NOT NULL
   );
   CREATE TABLE $S.attempts (
     video text NOT NULL REFERENCES $S.videos (name) ON DELETE CASCADE,
     idx integer NOT NULL,
     task_uuid text NOT NULL,
     spec_hash text NOT NULL,
     state text NOT NULL,
     created_at text NOT NULL,
     doc json NOT NULL,
     PRIMARY KEY (video, idx)
   );
   CREATE INDEX attempts_task_uuid ON $S.attempts (task_uuid);
   CREATE TABLE $S.outputs (
     video text NOT NULL REFERENCES $S.videos (name) ON DELETE CASCADE,
     idx integer NOT NULL,
     path text NOT NULL,
     sha256 text NOT NULL,
     bytes bigint NOT NULL,
     video_uuid text NOT NULL,
     task_uuid text NOT NULL,
     doc json NOT NULL,
     PRIMARY KEY (video, idx)
   );
   CREATE TABLE $S.locks (
     name text PRIMARY KEY,
     token uuid NOT NULL,
     pid integer NOT NULL,
     host text NOT NULL,
     command text,
     since timestamptz NOT NULL,
     expires_at timestamptz NOT NULL
   );`,
  // 2: several `reelctl run --shared` replicas: one claim row per video (holder, fencing epoch, expiry)
  // and one heartbeat row per replica (for the fair share).
  `CREATE TABLE $S.claims (
     video text PRIMARY KEY,
     holder text NOT NULL DEFAULT '',
     epoch bigint NOT NULL DEFAULT 0,
     claimed_at timestamptz,
     expires_at timestamptz NOT NULL DEFAULT '-infinity'
   );
   CREATE INDEX claims_holder ON $S.claims (holder);
   CREATE TABLE $S.replicas (
     id text PRIMARY KEY,
     host text NOT NULL,
     pid integer NOT NULL,
     started_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings `schema` to SCHEMA_VERSION. With `create: false` (read-only commands) a database without our
 * schema is left alone and reported as absent (false).
 */
export async function ensureSchema(pool: Pool, schema: string, opts: { create: boolean; label: string }): Promise<boolean> {
  const s = quoteIdent(schema);
  const c = await pool.connect();
  try {
    const current = await schemaVersion(c, schema);
    if (current === SCHEMA_VERSION) return true;
    if (current !== undefined && current > SCHEMA_VERSION) throw newer(opts.label, schema, current);
    if (current === undefined && !opts.create) return false;
    await c.query('BEGIN');
    try {
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`reelctl-migrate:${schema}`]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const now = (await schemaVersion(c, schema)) ?? 0;
      if (now > SCHEMA_VERSION) throw newer(opts.label, schema, now);
      for (let v = now + 1; v <= SCHEMA_VERSION; v++) {
        await c.query(MIGRATIONS[v - 1]!.replaceAll('$S', s));
        await c.query(`INSERT INTO ${s}.schema_migrations (version) VALUES ($1)`, [v]);
      }
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return true;
  } finally {
    c.release();
  }
}

/** The highest applied migration, or undefined when the schema (or its migrations table) does not exist. */
async function schemaVersion(c: PoolClient, schema: string): Promise<number | undefined> {
  const t = await c.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`${quoteIdent(schema)}.schema_migrations`]);
  if (!t.rows[0]?.ok) return undefined;
  const r = await c.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${quoteIdent(schema)}.schema_migrations`);
  return r.rows[0]?.v ?? 0;
}

function newer(label: string, schema: string, v: number): StateError {
  return new StateError(
    `the state in ${label} (schema ${schema}) was written by a newer reelctl (database schema version ${v}, this binary understands up to ${SCHEMA_VERSION}); upgrade reelctl. Nothing was read or written.`,
    { code: 'state.newer' },
  );
}
