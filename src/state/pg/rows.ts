// A VideoState ↔ its rows (pure): one `videos` row holding the record's scalars and the rest as JSON,
// plus one row per attempt and per output. Each row keeps its whole object as `doc` (json, key order
// kept), so a record read back is identical to the one written — and so is its digest.
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Attempt, OutputRecord, VideoState } from '../model.js';

/** Column arrays for the save statement's multi-row upserts (SELECT FROM unnest(…), save-sql.ts). */
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
    /** How many attempts / outputs the record has now (rows past them are deleted). */
    attempt_count: number[];
    output_count: number[];
  };
  attempts: { video: string[]; idx: number[]; task_uuid: string[]; spec_hash: string[]; state: string[]; created_at: string[]; doc: string[] };
  outputs: { video: string[]; idx: number[]; path: string[]; sha256: string[]; bytes: number[]; video_uuid: string[]; task_uuid: string[]; doc: string[] };
}

export function emptyBatch(): RowBatch {
  return {
    videos: { name: [], spec_hash: [], phase: [], output_path: [], cost_usd: [], updated_at: [], digest: [], doc: [], attempt_count: [], output_count: [] },
    attempts: { video: [], idx: [], task_uuid: [], spec_hash: [], state: [], created_at: [], doc: [] },
    outputs: { video: [], idx: [], path: [], sha256: [], bytes: [], video_uuid: [], task_uuid: [], doc: [] },
  };
}

export function digestOf(json: string): string {
  return createHash('sha1').update(json).digest('base64');
}

/** Adds one video (under its state key `name`) to the batch; `digest` is digestOf(JSON.stringify(v)). */
export function addVideo(b: RowBatch, name: string, v: VideoState, digest: string): void {
  const vr = b.videos;
  vr.name.push(name);
  vr.spec_hash.push(v.specHash);
  vr.phase.push(v.phase);
  vr.output_path.push(v.outputPath);
  vr.cost_usd.push(v.costUsd);
  vr.updated_at.push(v.updatedAt);
  vr.digest.push(digest);
  vr.attempt_count.push(v.attempts.length);
  vr.output_count.push(v.outputs.length);
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
