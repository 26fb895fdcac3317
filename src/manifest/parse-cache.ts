// The parse cache (issue 19 item 1): what a manifest file loaded to, reused while the file is unchanged.
// A file is unchanged when its size, mtime (ns) and inode are what they were when it was parsed; an entry
// holds the file's videos (and their spec hashes), never a problem: files with problems, files with local
// inputs (their bytes live in other files) and files modified in the last seconds (an edit in the same
// mtime tick could go unseen, git's "racy clean") are not cached, so a cached entry can never hide what a
// fresh parse would report. The file is versioned with the reelctl version (a new reelctl parses afresh),
// safe to delete (it is rebuilt) and written atomically (O_EXCL temp, fsync-free rename: losing it is fine).
// It is read and written one entry at a time (parse-cache-file.ts), never as one giant string.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedVideo } from './model.js';
import { readEntries, writeEntries } from './parse-cache-file.js';
import { rememberSpecHash, specHash } from './spec-hash.js';

/** The identity of a file's bytes as far as the cache is concerned. */
export interface FileKey {
  size: number;
  mtimeNs: string;
  ino: string;
}

/** An entry as the file holds it. */
interface StoredEntry extends FileKey {
  /** The resolved path that was read (a symlink retargeted is a miss). */
  real: string;
  videos: LoadedVideo[];
  specHashes: string[];
}

/**
 * An entry as a long-lived process (the daemon) keeps it: `real` only when it is not the path itself, a file's
 * one video as itself, and the spec hashes remembered with the videos (spec-hash.ts) instead of in a list of
 * their own — at 50,000 files the lists and copies were ~8 MB of the daemon's memory (issue 19).
 */
interface Entry extends FileKey {
  real?: string;
  videos: LoadedVideo | LoadedVideo[];
}

const listOf = (videos: Entry['videos']): LoadedVideo[] => (Array.isArray(videos) ? videos : [videos]);

function compact(abs: string, e: StoredEntry): Entry | undefined {
  if (!e || typeof e !== 'object' || !Array.isArray(e.videos) || e.videos.length !== e.specHashes?.length) return undefined;
  e.videos.forEach((v, k) => rememberSpecHash(v, e.specHashes[k]!));
  const out: Entry = { size: e.size, mtimeNs: e.mtimeNs, ino: e.ino, videos: e.videos.length === 1 ? e.videos[0]! : e.videos };
  if (e.real !== abs) out.real = e.real;
  return out;
}

function stored(abs: string, e: Entry): StoredEntry {
  const videos = listOf(e.videos);
  return { size: e.size, mtimeNs: e.mtimeNs, ino: e.ino, real: e.real ?? abs, videos, specHashes: videos.map((v) => specHash(v)) };
}

/** Entries newer than this are not stored: a same-size edit within one mtime tick must not look clean. */
export const RACY_MS = 3000;

export interface ParseCache {
  /** Whether there is an entry for `abs` at all (a cold cache holds none: no file needs a stat then). */
  has(abs: string): boolean;
  /** The cached videos of `abs` when `key` matches what was parsed, else undefined. */
  get(abs: string, real: string, key: FileKey): { videos: LoadedVideo[]; specHashes: string[] } | undefined;
  set(abs: string, real: string, key: FileKey, videos: LoadedVideo[], specHashes: string[]): void;
  /** Drop entries of files that are gone (deleted or renamed); `seen` are the files of this load. */
  retain(abs: Set<string>): void;
  save(): Promise<void>;
  readonly hits: number;
  /** Entries looked up (`get`) and found stale. */
  readonly misses: number;
}

const sameKey = (a: FileKey, b: FileKey) => a.size === b.size && a.mtimeNs === b.mtimeNs && a.ino === b.ino;

/** Opens (or starts) the cache at `file`; an unreadable, foreign or other-version file is an empty cache. */
/** `version`: the running reelctl's (a cache written by another version is never trusted). */
export async function openParseCache(file: string, opts: { version: string }): Promise<ParseCache> {
  const want = opts.version;
  const entries = new Map<string, Entry>();
  try {
    const fh = await open(file, 'r');
    try {
      for (const [abs, e] of ((await readEntries(fh, want)) as Map<string, StoredEntry> | undefined) ?? []) {
        const c = compact(abs, e);
        if (c) entries.set(abs, c); // a damaged entry is a miss
      }
    } finally {
      await fh.close();
    }
  } catch {
    // missing or unreadable: start empty (the cache is only ever an optimisation)
  }
  let dirty = false;
  let hits = 0;
  let misses = 0;
  return {
    has: (abs) => entries.has(abs),
    get(abs, real, key) {
      const e = entries.get(abs);
      if (e && (e.real ?? abs) === real && sameKey(e, key)) {
        hits++;
        const videos = listOf(e.videos);
        return { videos, specHashes: videos.map((v) => specHash(v)) };
      }
      misses++;
      return undefined;
    },
    set(abs, real, key, videos, specHashes) {
      videos.forEach((v, k) => rememberSpecHash(v, specHashes[k]!));
      // An exact-size copy: a loader's list grows by pushes and keeps room for more (~140 bytes a file).
      const e: Entry = { size: key.size, mtimeNs: key.mtimeNs, ino: key.ino, videos: videos.length === 1 ? videos[0]! : videos.slice() };
      if (real !== abs) e.real = real;
      entries.set(abs, e);
      dirty = true;
    },
    retain(seen) {
      // Entries of files this load did not look at stay while the file exists (`plan sub/` keeps the rest).
      for (const abs of entries.keys())
        if (!seen.has(abs) && !existsSync(abs)) {
          entries.delete(abs);
          dirty = true;
        }
    },
    async save() {
      if (!dirty) return;
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        const fh = await open(tmp, 'wx', 0o600);
        try {
          await writeEntries(
            fh,
            want,
            (function* () {
              for (const [abs, e] of entries) yield [abs, stored(abs, e)] as [string, StoredEntry];
            })(),
          );
        } finally {
          await fh.close();
        }
        await rename(tmp, file);
        dirty = false;
      } catch {
        await rm(tmp, { force: true }); // no state directory yet, read-only disk …: simply no cache
      }
    },
    get hits() {
      return hits;
    },
    get misses() {
      return misses;
    },
  };
}

/** Where the cache lives: beside the state file. */
export function parseCachePath(stateFile: string): string {
  return path.join(path.dirname(stateFile), 'parse-cache.json');
}
