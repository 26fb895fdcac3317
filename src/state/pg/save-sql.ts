// One state save as ONE SQL statement, sent as a named prepared statement and run in autocommit: the server
// checks the fence (our lease, or nobody else's; in shared mode our claim at our epoch), the lineage and the
// serial, then rewrites the given records and bumps the serial, all in the statement's own transaction,
// and commits before it answers. One round trip instead of nine (BEGIN, fence, serial, delete, three
// inserts, serial, COMMIT), and no transaction is ever left open between two of our awaits: a process
// frozen (SIGSTOP, GC pause, a suspended VM) while a save is under way holds no row lock, so it can block
// neither the others' claims (FOR UPDATE SKIP LOCKED would pass those rows by) nor their saves.
//
// Every write below is gated on `go` (the checks' verdict), evaluated once before any row is touched; when
// a check fails nothing is written and the statement answers which one. Records are upserted (a delete and
// a re-insert of the same key cannot share one statement), and attempts/outputs past a record's new count
// are deleted.
import { createHash } from 'node:crypto';
import { StateError } from '../../errors.js';
import type { RowBatch } from './rows.js';

type SaveStatus = 'ok' | 'lock-lost' | 'locked' | 'lineage' | 'no-snapshot' | 'stale';

export interface SaveArgs {
  lockName: string;
  /** Our lease token; null when we hold no lease (then nobody else's live lease may exist). */
  leaseToken: string | null;
  /** A full save: the state's lineage (checked against the stored one, stored on the first save). */
  lineage: string | null;
  /** The serial our digest cache is valid for (-1: no state yet); null in shared mode (no cache). */
  expectSerial: number | null;
  minSerial: number;
  version: number | null;
  /** Videos to remove. */
  gone: string[];
  /** Records to write. */
  batch: RowBatch;
  /** Shared mode: write only the videos this replica claims at these epochs. */
  shared: { replicaId: string; names: string[]; epochs: number[] } | null;
}

export interface SaveAnswer {
  status: SaveStatus;
  /** The new serial (status ok). */
  serial: string | null;
  /** The stored lineage, if any. */
  lineage: string | null;
  /** Whether the lock row exists (lock-lost: taken by another, or force-unlocked). */
  lock_row: boolean;
  /** Shared mode: of the given names, those held at our epoch (the rest were fenced). */
  mine: string[];
}

const ALLOWED = (col: string) => `($8::text IS NULL OR ${col} IN (SELECT video FROM mine))`;
const GO = '(SELECT ok FROM go)';

function text(s: string): string {
  return `WITH lk AS (
    SELECT token::text AS token, expires_at < now() AS expired FROM ${s}.locks WHERE name = $1 FOR SHARE
  ), meta AS (
    SELECT serial, lineage FROM ${s}.state_meta WHERE id = 1 FOR UPDATE
  ), mine AS (
    SELECT c.video FROM ${s}.claims c JOIN unnest($9::text[], $10::bigint[]) AS h(video, epoch) ON c.video = h.video
    WHERE c.holder = $8::text AND c.epoch = h.epoch FOR SHARE OF c
  ), chk AS (
    SELECT CASE
      WHEN $2::text IS NOT NULL AND (SELECT token FROM lk) IS DISTINCT FROM $2::text THEN 'lock-lost'
      WHEN $2::text IS NULL AND EXISTS (SELECT 1 FROM lk WHERE NOT expired) THEN 'locked'
      WHEN $3::text IS NOT NULL AND (SELECT lineage FROM meta) <> $3::text THEN 'lineage'
      WHEN $3::text IS NULL AND NOT EXISTS (SELECT 1 FROM meta) THEN 'no-snapshot'
      WHEN $4::bigint IS NOT NULL AND COALESCE((SELECT serial FROM meta), -1) <> $4::bigint THEN 'stale'
      ELSE 'ok' END AS status
  ), go AS (
    SELECT status = 'ok' AS ok FROM chk
  ), del AS (
    DELETE FROM ${s}.videos WHERE name = ANY($7::text[]) AND ${GO} AND ${ALLOWED('name')}
  ), vid AS (
    INSERT INTO ${s}.videos AS t (name, spec_hash, phase, output_path, cost_usd, updated_at, digest, doc)
    SELECT n, h, p, o, c, u, d, j::json
    FROM unnest($11::text[], $12::text[], $13::text[], $14::text[], $15::float8[], $16::text[], $17::text[], $18::text[]) AS x(n, h, p, o, c, u, d, j)
    WHERE ${GO} AND ${ALLOWED('n')}
    ON CONFLICT (name) DO UPDATE SET spec_hash = excluded.spec_hash, phase = excluded.phase, output_path = excluded.output_path,
      cost_usd = excluded.cost_usd, updated_at = excluded.updated_at, digest = excluded.digest, doc = excluded.doc
  ), adel AS (
    DELETE FROM ${s}.attempts a USING unnest($11::text[], $19::int[]) AS k(n, cnt)
    WHERE a.video = k.n AND a.idx >= k.cnt AND ${GO} AND ${ALLOWED('k.n')}
  ), att AS (
    INSERT INTO ${s}.attempts (video, idx, task_uuid, spec_hash, state, created_at, doc)
    SELECT v, i, t, h, st, c, j::json FROM unnest($21::text[], $22::int[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[]) AS x(v, i, t, h, st, c, j)
    WHERE ${GO} AND ${ALLOWED('v')}
    ON CONFLICT (video, idx) DO UPDATE SET task_uuid = excluded.task_uuid, spec_hash = excluded.spec_hash, state = excluded.state,
      created_at = excluded.created_at, doc = excluded.doc
  ), odel AS (
    DELETE FROM ${s}.outputs o USING unnest($11::text[], $20::int[]) AS k(n, cnt)
    WHERE o.video = k.n AND o.idx >= k.cnt AND ${GO} AND ${ALLOWED('k.n')}
  ), outp AS (
    INSERT INTO ${s}.outputs (video, idx, path, sha256, bytes, video_uuid, task_uuid, doc)
    SELECT v, i, p, h, b, vu, t, j::json FROM unnest($28::text[], $29::int[], $30::text[], $31::text[], $32::int8[], $33::text[], $34::text[], $35::text[]) AS x(v, i, p, h, b, vu, t, j)
    WHERE ${GO} AND ${ALLOWED('v')}
    ON CONFLICT (video, idx) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, bytes = excluded.bytes,
      video_uuid = excluded.video_uuid, task_uuid = excluded.task_uuid, doc = excluded.doc
  ), m AS (
    INSERT INTO ${s}.state_meta AS t (id, version, serial, lineage)
    SELECT 1, COALESCE($6::int, 1), GREATEST($5::bigint, 0) + 1, COALESCE($3::text, (SELECT lineage FROM meta)) WHERE ${GO}
    ON CONFLICT (id) DO UPDATE SET version = COALESCE($6::int, t.version), serial = GREATEST(t.serial, $5::bigint) + 1, updated_at = now()
    RETURNING serial
  )
  SELECT (SELECT status FROM chk) AS status, (SELECT serial::text FROM m) AS serial, (SELECT lineage FROM meta) AS lineage,
    EXISTS (SELECT 1 FROM lk) AS lock_row, ARRAY(SELECT video FROM mine) AS mine`;
}

/** The save statement for schema `s` (quoted), named so each connection parses and plans it once. */
export function saveStatement(s: string): { name: string; text: string } {
  const t = text(s);
  return { name: `reelctl-save-${createHash('sha1').update(t).digest('hex').slice(0, 16)}`, text: t };
}

/** The statement's parameters. */
export function saveValues(a: SaveArgs): unknown[] {
  const v = a.batch.videos;
  const at = a.batch.attempts;
  const o = a.batch.outputs;
  return [
    a.lockName,
    a.leaseToken,
    a.lineage,
    a.expectSerial,
    a.minSerial,
    a.version,
    a.gone,
    a.shared?.replicaId ?? null,
    a.shared?.names ?? [],
    a.shared?.epochs ?? [],
    v.name,
    v.spec_hash,
    v.phase,
    v.output_path,
    v.cost_usd,
    v.updated_at,
    v.digest,
    v.doc,
    v.attempt_count,
    v.output_count,
    at.video,
    at.idx,
    at.task_uuid,
    at.spec_hash,
    at.state,
    at.created_at,
    at.doc,
    o.video,
    o.idx,
    o.path,
    o.sha256,
    o.bytes,
    o.video_uuid,
    o.task_uuid,
    o.doc,
  ];
}

/** The error for a save the database refused (nothing was written); `holder` describes a live lease. */
export async function refusal(a: SaveAnswer, label: string, lineage: string | undefined, holder: () => Promise<string | undefined>): Promise<StateError> {
  switch (a.status) {
    case 'lock-lost':
      return new StateError(
        `lost the state lock on ${label} (its lease expired and ${a.lock_row ? 'another process took it' : 'it was force-unlocked'}); nothing was written`,
        { code: 'state.lock-lost' },
      );
    case 'locked':
      return new StateError((await holder()) ?? `state in ${label} is locked`, { code: 'state.locked' });
    case 'lineage':
      return new StateError(`refusing to write state of lineage ${lineage} over ${label} (lineage ${a.lineage})`, { code: 'state.lineage' });
    case 'no-snapshot':
      return new StateError('the state needs a first full save before changes can be appended', { code: 'state.no-snapshot' });
    default:
      return new StateError(`${label} kept changing under this save (another writer without the lock?); nothing was written`, {
        code: 'state.stale',
        retryable: true,
      });
  }
}
