// Decoding the state file: JSON → migrations → schema check. A corrupt or newer file is refused with a
// clear message and never touched (the caller only ever writes after a successful read).
import type { ErrorObject } from 'ajv';
import { StateError } from '../errors.js';
import { upgradeVideoV2 } from './legacy-v2.js';
import { shareRecordStrings } from './share-strings.js';
import { STATE_VERSION, type StateFile, type VideoState } from './model.js';
import * as readCheck from './validate-read.gen.js';
import * as writeCheck from './validate-write.gen.js';

// The state schema's validators are precompiled (scripts/gen-validators.mjs, ajv standalone): compiling them
// at run time cost about 0.2 s of CPU before the first state write, hence before the first submit.
type Check = ((doc: unknown) => boolean) & { errors?: ErrorObject[] | null };
const validator: Check = readCheck.validateState;

// The writer's guard (issue 17): a state its own schema would reject never reaches the disk. Compiled with
// strictNumbers, so Infinity and NaN (which JSON.stringify would write as null) are rejected as numbers.
const writeValidators: { state: Check; video: Check } = { state: writeCheck.validateState, video: writeCheck.validateVideo };

const KEPT_ON_DISK = 'The state on disk (and its backup) were left as they were.';

/**
 * Throws (state.invalid-write) when `state` is not a state the schema accepts; nothing is written then.
 * `kept` says what stayed as it was (the file store's state and backup; a database's rows).
 */
export function checkStateForWrite(state: StateFile, file: string, kept = KEPT_ON_DISK): void {
  refuseInvalid(writeValidators.state, state, file, '', kept);
}

/** The same for journal records (name → the record's JSON, null = removed). */
export function checkRecordsForWrite(changes: ReadonlyMap<string, string | null>, file: string, kept = KEPT_ON_DISK): void {
  for (const [name, json] of changes) if (json !== null) checkRecordForWrite(name, JSON.parse(json), file, kept);
}

/** The same for one record already parsed (a caller that needs the object anyway parses it once). */
export function checkRecordForWrite(name: string, record: unknown, file: string, kept = KEPT_ON_DISK): void {
  refuseInvalid(writeValidators.video, record, file, `/videos/${name}`, kept);
}

function refuseInvalid(check: Check, doc: unknown, file: string, at: string, kept: string): void {
  if (check(doc)) return;
  const e = check.errors?.[0];
  const where = `${at}${e?.instancePath ?? ''}` || '/';
  throw new StateError(
    `refusing to write ${file}: the state would not match its schema at ${where}: ${e?.message ?? 'invalid'} (value ${String(valueAt(doc, e?.instancePath ?? ''))}). ${kept}`,
    { code: 'state.invalid-write' },
  );
}

function valueAt(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const part of pointer.split('/').slice(1))
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return cur;
}

/** Migrations: version N → N+1, applied in order. v0 (a prototype layout) kept videos as an array. */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {
  0: (old) => {
    const list = Array.isArray(old.videos) ? (old.videos as { name: string }[]) : [];
    return { ...old, version: 1, videos: Object.fromEntries(list.map((v) => [v.name, v])) };
  },
  // v2 marks simulated records. Version 1 did not, so a record whose results all came from a loopback
  // server (the built-in simulator) is marked now: a real run must never take those placeholders for renders.
  1: (old) => {
    const videos = (old.videos ?? {}) as Record<string, { attempts?: { results?: { videoURL?: unknown }[] }[] }>;
    for (const v of Object.values(videos)) if (v && typeof v === 'object' && fromLoopback(v.attempts)) Object.assign(v, { simulated: true });
    return { ...old, version: 2 };
  },
  // v3 marks every settled cost with its source and records the facts a stored phase implied (legacy-v2.ts).
  2: (old) => {
    const videos = old.videos && typeof old.videos === 'object' ? (old.videos as Record<string, VideoState>) : {};
    for (const v of Object.values(videos)) upgradeVideoV2(v);
    return { ...old, version: 3 };
  },
};

function fromLoopback(attempts: { results?: { videoURL?: unknown }[] }[] | undefined): boolean {
  const urls = (Array.isArray(attempts) ? attempts : []).flatMap((a) => (Array.isArray(a?.results) ? a.results.map((r) => r?.videoURL) : []));
  return urls.length > 0 && urls.every((u) => typeof u === 'string' && /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//.test(u));
}

export function decodeState(text: string, file: string): StateFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw corrupt(file, `not valid JSON (${(err as Error).message})`);
  }
  return decodeStateObject(raw, file);
}

/** Migrations + schema check of an already parsed state (also used after a journal was applied). */
export function decodeStateObject(raw: unknown, file: string): StateFile {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw corrupt(file, 'not a JSON object');
  let doc = raw as Record<string, unknown>;
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) throw corrupt(file, 'missing or invalid "version"');
  if (version > STATE_VERSION)
    throw new StateError(
      `state file ${file} has version ${version}, newer than this reelctl understands (${STATE_VERSION}); upgrade reelctl. The file was left untouched.`,
      { code: 'state.newer' },
    );
  for (let v = version; v < STATE_VERSION; v++) doc = MIGRATIONS[v]!(doc);
  const check = validator;
  if (!check(doc)) {
    const e = check.errors?.[0];
    throw corrupt(file, `does not match the state schema at ${e?.instancePath || '/'}: ${e?.message ?? 'invalid'}`);
  }
  const state = doc as unknown as StateFile;
  for (const [name, v] of Object.entries(state.videos)) {
    if (v.name === name) v.name = name; // the key's string (JSON.parse interns keys): one copy of each name, not two
    shareRecordStrings(v);
  }
  return state;
}

/**
 * A state file is pretty (indented, for people) up to this many videos, compact above: a save stays fast, and
 * from here on saves go to the journal anyway (the writer's default threshold). Pretty up to 500 videos cost
 * a second, indented serialization of every record in each snapshot of 100 to 500 (~5 ms at 200).
 */
export const PRETTY_MAX_VIDEOS = 100;

export function encodeState(state: StateFile): string {
  return Object.keys(state.videos).length <= PRETTY_MAX_VIDEOS ? JSON.stringify(state, null, 2) + '\n' : JSON.stringify(state) + '\n';
}

function corrupt(file: string, why: string): StateError {
  return new StateError(`state file ${file} is unusable: ${why}. It was left untouched; restore ${file}.backup or move the file away.`, {
    code: 'state.corrupt',
  });
}
