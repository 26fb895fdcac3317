// The loader's side of the parse cache (parse-cache.ts): which found files can be taken from it, and
// which freshly loaded files may be stored in it.
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { rememberSpecHash, specHash } from './spec-hash.js';
import { ownStrings } from './own-strings.js';
import type { FoundFile } from './files.js';
import type { FileResult } from './load.js';
import type { LoadedVideo } from './model.js';
import { RACY_MS, type FileKey, type ParseCache } from './parse-cache.js';

export interface LoadCacheOptions {
  /** Reuse and record parsed files here (issue 19). Absent: every file is parsed. */
  cache?: ParseCache;
  /** Clock for the racy-clean rule (tests); default Date.now. */
  now?: () => number;
}

/**
 * Results for the files the cache holds unchanged (by index); the rest stay undefined. One synchronous lstat
 * per file the cache has an entry for: a promise round trip through the thread pool per file cost more CPU
 * than the rest of a warm plan, and a cold plan (an empty cache) stats nothing here.
 */
export function lookupCached(files: FoundFile[], cache: ParseCache, o: { cwd: string; maxFileBytes: number }): (FileResult | undefined)[] {
  const out = new Array<FileResult | undefined>(files.length);
  files.forEach((f, i) => {
    if (!cache.has(f.abs)) return;
    const real = f.real ?? f.abs;
    const key = statKey(real);
    // A file grown past the limit, or no longer regular, is a miss: the reader reports it.
    if (!key || key.size > o.maxFileBytes) return;
    const hit = cache.get(f.abs, real, key);
    if (!hit) return;
    const file = path.relative(o.cwd, f.abs) || f.abs;
    // Parsed from the cache's JSON, each video owns its strings; equal short ones are shared (ownStrings).
    const videos = hit.videos.map((v) => relocate(v, file, ownStrings(v.labels, false), ownStrings(v.request, false)));
    videos.forEach((v, k) => rememberSpecHash(v, hit.specHashes[k]!));
    out[i] = { videos, problems: [] };
  });
  return out;
}

/** Stores every fresh, clean, self-contained result; forgets files no longer found. */
export async function storeCacheable(files: FoundFile[], results: FileResult[], cache: ParseCache, startedMs: number): Promise<void> {
  const racyNs = BigInt(Math.floor(startedMs - RACY_MS)) * 1_000_000n;
  files.forEach((f, i) => {
    const r = results[i]!;
    if (!r.key || r.problems.length > 0 || r.videos.some((v) => v.localInputs.length > 0)) return;
    if (BigInt(r.key.mtimeNs) > racyNs) return;
    const hashes = r.videos.map((v) => specHash(v));
    r.videos.forEach((v, k) => rememberSpecHash(v, hashes[k]!));
    cache.set(f.abs, f.real ?? f.abs, r.key, r.videos, hashes);
  });
  cache.retain(new Set(files.map((f) => f.abs)));
  await cache.save();
}

function statKey(file: string): FileKey | undefined {
  try {
    const st = lstatSync(file, { bigint: true });
    return st.isFile() ? { size: Number(st.size), mtimeNs: st.mtimeNs.toString(), ino: st.ino.toString() } : undefined;
  } catch {
    return undefined;
  }
}

/** The cached video with its file name as seen from this cwd. */
function relocate(
  v: LoadedVideo & { outputSource?: { file: string } },
  file: string,
  labels: LoadedVideo['labels'],
  request: LoadedVideo['request'],
): LoadedVideo {
  const out = { ...v, labels, request, source: { ...v.source, file } };
  if (v.outputSource) (out as typeof v).outputSource = { ...v.outputSource, file };
  return out;
}
