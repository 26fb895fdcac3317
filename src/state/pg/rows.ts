// A VideoState ↔ its rows (pure): one `videos` row holding the record's scalars and the rest as JSON,
// plus one row per attempt and per output. Each row keeps its whole object as `doc` (json, key order
// kept), so a record read back is identical to the one written — and so is its digest.
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Attempt, OutputRecord, VideoState } from '../model.js';

/** Column arrays for one multi-row INSERT … SELECT FROM unnest(…) per table. */
export interface RowBatch {
  videos: {
    name: string[];
    spec_hash: string[];
    phase: string[];
    output_path: string[];
    cost_usd: number[];
    updated_at: string[];
    digest: string[];
    doc: string[];
  };
  attempts: { video: string[]; idx: number[]; task_uuid: string[]; spec_hash: string[]; state: string[]; created_at: string[]; doc: string[] };
  outputs: { video: string[]; idx: number[]; path: string[]; sha256: string[]; bytes: number[]; video_uuid: string[]; task_uuid: string[]; doc: string[] };
}

export function emptyBatch(): RowBatch {
  return {
    videos: { name: [], spec_hash: [], phase: [], output_path: [], cost_usd: [], updated_at: [], digest: [], doc: [] },
    attempts: { video: [], idx: [], task_uuid: [], spec_hash: [], state: [], created_at: [], doc: [] },
    outputs: { video: [], idx: [], path: [], sha256: [], bytes: [], video_uuid: [], task_uuid: [], doc: [] },
  };
}

export function digestOf(json: string): string {
  return createHash('sha1').update(json).digest('base64');
}

/** Adds one video (under its state key `name`) to the batch; `json` is JSON.stringify(v), already made. */
export function addVideo(b: RowBatch, name: string, v: VideoState, json: string): void {
  const vr = b.videos;
  vr.name.push(name);
  vr.spec_hash.push(v.specHash);
  vr.phase.push(v.phase);
  vr.output_path.push(v.outputPath);
  vr.cost_usd.push(v.costUsd);
  vr.updated_at.push(v.updatedAt);
  vr.digest.push(digestOf(json));
  // The lists live in their own tables; null placeholders keep their place in the key order.
  vr.doc.push(JSON.stringify({ ...v, attempts: null, outputs: null }));
  v.attempts.forEach((a: Attempt, i) => {
    const ar = b.attempts;
    (ar.video.push(name), ar.idx.push(i), ar.task_uuid.push(a.taskUUID), ar.spec_hash.push(a.specHash));
    (ar.state.push(a.state), ar.created_at.push(a.createdAt), ar.doc.push(JSON.stringify(a)));
  });
  v.outputs.forEach((o: OutputRecord, i) => {
    const or = b.outputs;
    (or.video.push(name), or.idx.push(i), or.path.push(o.path), or.sha256.push(o.sha256), or.bytes.push(o.bytes));
    (or.video_uuid.push(o.videoUUID), or.task_uuid.push(o.taskUUID), or.doc.push(JSON.stringify(o)));
  });
}

/** The INSERTs for a batch ($S = the quoted schema): one statement per table, whatever the row count. */
export function insertStatements(s: string, b: RowBatch): { text: string; values: unknown[] }[] {
  const out: { text: string; values: unknown[] }[] = [];
  const v = b.videos;
  if (v.name.length)
    out.push({
      text: `INSERT INTO ${s}.videos (name, spec_hash, phase, output_path, cost_usd, updated_at, digest, doc)
             SELECT n, h, p, o, c, u, d, j::json FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::text[], $8::text[]) AS t(n, h, p, o, c, u, d, j)`,
      values: [v.name, v.spec_hash, v.phase, v.output_path, v.cost_usd, v.updated_at, v.digest, v.doc],
    });
  const a = b.attempts;
  if (a.video.length)
    out.push({
      text: `INSERT INTO ${s}.attempts (video, idx, task_uuid, spec_hash, state, created_at, doc)
             SELECT v, i, t, h, st, c, j::json FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(v, i, t, h, st, c, j)`,
      values: [a.video, a.idx, a.task_uuid, a.spec_hash, a.state, a.created_at, a.doc],
    });
  const o = b.outputs;
  if (o.video.length)
    out.push({
      text: `INSERT INTO ${s}.outputs (video, idx, path, sha256, bytes, video_uuid, task_uuid, doc)
             SELECT v, i, p, h, b, vu, t, j::json FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::text[], $8::text[]) AS x(v, i, p, h, b, vu, t, j)`,
      values: [o.video, o.idx, o.path, o.sha256, o.bytes, o.video_uuid, o.task_uuid, o.doc],
    });
  return out;
}

/** Reassembles the records from the rows of the three tables (each list ordered by video, idx). */
function assemble(
  videos: { name: string; doc: Record<string, unknown> }[],
  attempts: { video: string; doc: unknown }[],
  outputs: { video: string; doc: unknown }[],
): Record<string, VideoState> {
  const byName: Record<string, VideoState> = {};
  for (const r of videos) {
    const doc = r.doc;
    doc.attempts = [];
    doc.outputs = [];
    byName[r.name] = doc as unknown as VideoState;
  }
  for (const r of attempts) byName[r.video]?.attempts.push(r.doc as Attempt);
  for (const r of outputs) byName[r.video]?.outputs.push(r.doc as OutputRecord);
  return byName;
}

/** Reads the records (all, or only `names`) with their stored digests, in one transaction's snapshot. */
export async function selectVideos(c: PoolClient, s: string, names?: string[]): Promise<{ videos: Record<string, VideoState>; digests: Map<string, string> }> {
  const where = (col: string) => (names ? `WHERE ${col} = ANY($1::text[])` : '');
  const args = names ? [names] : [];
  const v = await c.query<{ name: string; digest: string; doc: Record<string, unknown> }>(
    `SELECT name, digest, doc FROM ${s}.videos ${where('name')} ORDER BY name`,
    args,
  );
  const a = await c.query<{ video: string; doc: unknown }>(`SELECT video, doc FROM ${s}.attempts ${where('video')} ORDER BY video, idx`, args);
  const o = await c.query<{ video: string; doc: unknown }>(`SELECT video, doc FROM ${s}.outputs ${where('video')} ORDER BY video, idx`, args);
  return { videos: assemble(v.rows, a.rows, o.rows), digests: new Map(v.rows.map((r) => [r.name, r.digest])) };
}
