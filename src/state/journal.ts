// The state journal (etcd's WAL, in miniature): `<state>.journal` beside the state file holds the video
// records that changed since the last full snapshot, one JSON line per save. A save appends a few KB and
// fsyncs, whatever the number of videos, instead of rewriting the whole file; a compaction (the atomic
// full write of file-store.ts) folds the journal into the snapshot and removes it.
//
//   {"reelctlJournal":1,"lineage":"…","base":41}          header: follows the snapshot of serial 41
//   {"serial":42,"videos":{"alpha":{…VideoState…}}}        one line per save
//   {"serial":43,"videos":{"beta":null}}                   null: the video left the state (prune)
//
// A crash mid-append leaves a torn last line: it was never acknowledged, so it is dropped on read (and
// cut off before the next append). Anything else that does not parse is corruption and stops the program.
// Pure: text in, facts out; file-store.ts does the I/O.
import type { StateFile, VideoState } from './model.js';

const JOURNAL_FORMAT = 1;

export function journalPath(stateFile: string): string {
  return `${stateFile}.journal`;
}

export function journalHeader(lineage: string, base: number): string {
  return `${JSON.stringify({ reelctlJournal: JOURNAL_FORMAT, lineage, base })}\n`;
}

/** One save: `videos` maps a name to its record's JSON (already serialized) or null when it was removed. */
export function journalRecord(serial: number, videos: ReadonlyMap<string, string | null>): string {
  const parts: string[] = [];
  for (const [name, json] of videos) parts.push(`${JSON.stringify(name)}:${json ?? 'null'}`);
  return `{"serial":${serial},"videos":{${parts.join(',')}}}\n`;
}

export type JournalRead =
  /** Nothing to apply: no journal, or one the snapshot already contains (a crash after compaction). */
  | { kind: 'none' | 'stale' }
  /** Records applied to the snapshot; `validBytes` is where the next append goes (a torn tail is cut). */
  | { kind: 'applied'; state: StateFile; records: number; validBytes: number; tornBytes: number }
  /** The journal starts after the snapshot: a reader raced a compaction, or the file was swapped by hand. */
  | { kind: 'ahead'; base: number }
  | { kind: 'corrupt'; line: number; why: string };

/** Applies the journal `text` onto `snapshot` (not mutated). */
export function applyJournal(snapshot: StateFile, text: string): JournalRead {
  if (text.length === 0) return { kind: 'none' };
  const lines = splitLines(text);
  const first = lines[0]!;
  if (!first.complete) return { kind: 'none' }; // torn header: created, never acknowledged
  let header: { reelctlJournal?: unknown; lineage?: unknown; base?: unknown };
  try {
    header = JSON.parse(first.text) as typeof header;
  } catch {
    return { kind: 'corrupt', line: 1, why: 'the header is not JSON' };
  }
  if (header.reelctlJournal !== JOURNAL_FORMAT) return { kind: 'corrupt', line: 1, why: `unknown journal format ${JSON.stringify(header.reelctlJournal)}` };
  if (header.lineage !== snapshot.lineage)
    return { kind: 'corrupt', line: 1, why: `it belongs to another state (lineage ${String(header.lineage)}, the state file has ${snapshot.lineage})` };
  if (typeof header.base !== 'number' || !Number.isInteger(header.base)) return { kind: 'corrupt', line: 1, why: 'the header has no base serial' };
  if (header.base > snapshot.serial) return { kind: 'ahead', base: header.base };
  if (header.base < snapshot.serial) return { kind: 'stale' };

  const videos = { ...snapshot.videos };
  let serial = snapshot.serial;
  let validBytes = first.end;
  let records = 0;
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    let rec: { serial?: unknown; videos?: unknown } | undefined;
    try {
      rec = JSON.parse(l.text) as typeof rec;
    } catch {
      rec = undefined;
    }
    const last = i === lines.length - 1;
    if (!l.complete || rec === undefined) {
      if (last) break; // torn tail: dropped
      return { kind: 'corrupt', line: i + 1, why: 'a record is not JSON' };
    }
    if (rec.serial !== serial + 1) return { kind: 'corrupt', line: i + 1, why: `serial ${String(rec.serial)} does not follow ${serial}` };
    if (!rec.videos || typeof rec.videos !== 'object' || Array.isArray(rec.videos))
      return { kind: 'corrupt', line: i + 1, why: 'a record has no "videos" object' };
    for (const [name, v] of Object.entries(rec.videos as Record<string, VideoState | null>)) {
      if (v === null) delete videos[name];
      else Object.defineProperty(videos, name, { value: v, enumerable: true, writable: true, configurable: true }); // `__proto__` stays a key
    }
    serial++;
    records++;
    validBytes = l.end;
  }
  return { kind: 'applied', state: { ...snapshot, serial, videos }, records, validBytes, tornBytes: Buffer.byteLength(text) - validBytes };
}

interface Line {
  text: string;
  /** Byte offset just after this line's newline (or the end of the text). */
  end: number;
  complete: boolean;
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  let bytes = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const stop = nl === -1 ? text.length : nl + 1;
    const chunk = text.slice(start, stop);
    bytes += Buffer.byteLength(chunk);
    out.push({ text: nl === -1 ? chunk : chunk.slice(0, -1), end: bytes, complete: nl !== -1 });
    start = stop;
  }
  return out;
}
