// Decoding the state file: JSON → migrations → schema check. A corrupt or newer file is refused with a
// clear message and never touched (the caller only ever writes after a successful read).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { StateError } from '../errors.js';
import { packagePath } from '../paths.js';
import { STATE_VERSION, type StateFile } from './model.js';

let validate: ValidateFunction | undefined;
function validator(): ValidateFunction {
  validate ??= new Ajv2020({ allErrors: false, strict: false }).compile(JSON.parse(readFileSync(packagePath('schemas', 'state.schema.json'), 'utf8')));
  return validate;
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
    throw new StateError(`state file ${file} has version ${version}, newer than this reelctl understands (${STATE_VERSION}); upgrade reelctl. The file was left untouched.`, { code: 'state.newer' });
  for (let v = version; v < STATE_VERSION; v++) doc = MIGRATIONS[v]!(doc);
  const check = validator();
  if (!check(doc)) {
    const e = check.errors?.[0];
    throw corrupt(file, `does not match the state schema at ${e?.instancePath || '/'}: ${e?.message ?? 'invalid'}`);
  }
  return doc as unknown as StateFile;
}

export function encodeState(state: StateFile): string {
  // Pretty for people while small; compact when large so a save stays fast (10k videos ≤ 50 ms).
  return Object.keys(state.videos).length <= 500 ? JSON.stringify(state, null, 2) + '\n' : JSON.stringify(state) + '\n';
}

function corrupt(file: string, why: string): StateError {
  return new StateError(`state file ${file} is unusable: ${why}. It was left untouched; restore ${file}.backup or move the file away.`, { code: 'state.corrupt' });
}
