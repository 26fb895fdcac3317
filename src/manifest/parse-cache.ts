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

/** The identity of a file's bytes as far as the cache is concerned. */
export interface FileKey {
  size: number;
  mtimeNs: string;
  ino: string;
}

interface Entry extends FileKey {
  /** The resolved path that was read (a symlink retargeted is a miss). */
  real: string;
  videos: LoadedVideo[];
  specHashes: string[];
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
  let entries = new Map<string, Entry>();
  try {
    const fh = await open(file, 'r');
    try {
      entries = ((await readEntries(fh, want)) as Map<string, Entry> | undefined) ?? entries;
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
      if (e && typeof e === 'object' && e.real === real && sameKey(e, key) && Array.isArray(e.videos) && e.videos.length === e.specHashes?.length) {
        hits++;
        return { videos: e.videos, specHashes: e.specHashes };
      }
      misses++;
      return undefined;
    },
    set(abs, real, key, videos, specHashes) {
      // Exact-size copies: a loader's list grows by pushes and keeps room for more (~140 bytes a file).
      entries.set(abs, { size: key.size, mtimeNs: key.mtimeNs, ino: key.ino, real, videos: videos.slice(), specHashes: specHashes.slice() });
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
          await writeEntries(fh, want, entries);
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
