// The loader: files → YAML documents → schema + rules → LoadedVideo[], with every problem located as
// FILE:LINE:COL. It never throws on bad input: problems are collected and returned, all at once.
import path from 'node:path';
import type { ManifestProblem } from '../errors.js';
import { findManifestFiles, type FoundFile } from './files.js';
import { checkOutputCollisions } from './output-path-rules.js';
import type { LoadedVideo, LoadResult } from './model.js';
import { LIMITS } from './limits.js';
import { fastParse } from './yaml-fast.js';
import { readRegularFile } from './read-file.js';
import { lookupCached, storeCacheable, type LoadCacheOptions } from './load-cache.js';
import type { FileKey } from './parse-cache.js';
import { place, toVideo } from './to-video.js';
import { loadSplit, workerScript } from './load-split.js';

export interface LoadOptions {
  maxFileBytes?: number;
  /** Parse a large tree on a second thread too (default true): faster, at the cost of a second heap. */
  parallel?: boolean;
  /** Files to parse before a second thread pays off (default PARALLEL_THRESHOLD). */
  parallelThreshold?: number;
  /** Base for the file names shown in problems (default: cwd). */
  cwd?: string;
  /** Try the fast parser first (default true); false parses every file with positions (tests compare both). */
  fast?: boolean;
  /** Aborted: the load stops between files and rejects (the daemon stopping); nothing is cached. */
  signal?: AbortSignal;
}

export async function loadManifests(paths: string[], opts: LoadOptions & LoadCacheOptions = {}): Promise<LoadResult> {
  const cwd = opts.cwd ?? process.cwd();
  const started = (opts.now ?? Date.now)();
  const found = await findManifestFiles(paths);
  const problems: ManifestProblem[] = found.problems.map((p) => (path.isAbsolute(p.file) ? { ...p, file: path.relative(cwd, p.file) || p.file } : p));
  const videos: LoadedVideo[] = [];
  const o = { cwd, maxFileBytes: opts.maxFileBytes ?? LIMITS.maxFileBytes, fast: opts.fast ?? true };
  // Unchanged files come from the parse cache; only the others are read and parsed.
  const results: (FileResult | undefined)[] = opts.cache ? lookupCached(found.files, opts.cache, o) : new Array<FileResult | undefined>(found.files.length);
  const todo = found.files.filter((_, i) => !results[i]);
  // Parsing is CPU-bound: a large tree is split with a worker thread (in file order), a small one is not.
  const parallel = (opts.parallel ?? true) && todo.length >= (opts.parallelThreshold ?? PARALLEL_THRESHOLD);
  const parsed = parallel && workerScript() ? await loadSplit(todo, o, opts.signal) : await loadFiles(todo, o, opts.signal);
  for (let i = 0, j = 0; i < results.length; i++) if (!results[i]) results[i] = parsed[j++];
  if (opts.cache) await storeCacheable(found.files, results as FileResult[], opts.cache, started);
  for (const r of results as FileResult[]) {
    videos.push(...r.videos);
    problems.push(...r.problems);
  }
  checkUniqueNames(videos, problems);
  checkOutputCollisions(videos, problems);
  problems.sort(byLocation);
  return { videos, problems, files: found.files.map((f) => f.abs) };
}

export interface FileResult {
  videos: LoadedVideo[];
  problems: ManifestProblem[];
  /** What was read (size, mtime, inode): set when the file was read whole, for the parse cache. */
  key?: FileKey;
  /** Spec hashes of `videos`, when the worker thread computed them (load-split.ts takes them off). */
  specHashes?: string[];
}

export type LoadFilesOptions = { cwd: string; maxFileBytes: number; fast?: boolean };

// Files in flight at once. Reads are synchronous (read-file.ts), so only local inputs (hashing images) wait
// on I/O; every file in flight keeps its text, events and objects alive across the others' steps, and at
// 16 that much more survived young-generation GCs that a 50,000-file plan peaked ~100 MB higher (issue 19).
const CONCURRENCY = 4;

/** Loads files with bounded I/O parallelism (waits overlap); results stay in file order. */
export function loadFiles(files: FoundFile[], o: LoadFilesOptions, signal?: AbortSignal): Promise<FileResult[]> {
  const show = (abs: string) => path.relative(o.cwd, abs) || abs;
  return mapLimit(
    files,
    CONCURRENCY,
    async (f) => {
      const out: FileResult = { videos: [], problems: [] };
      try {
        const key = await loadFile(f, show(f.abs), o, out.videos, out.problems);
        if (key) out.key = key;
      } catch (err) {
        out.problems.push({ file: show(f.abs), line: 1, col: 1, code: 'file.unreadable', message: `cannot read: ${(err as Error).message}` });
      }
      return out;
    },
    signal,
  );
}

// A worker imports and compiles everything again (the schema validator most of all): a few tenths of a
// CPU-second before it parses a file, paid on the second core. From a few thousand files on, the tree is
// parsed sooner on two threads than on one (10,000 manifests: ~1 s sooner on two idle cores), for that
// much more CPU (issue 19: a 10,000-manifest plan in under 3 s; CPU stays within 1.5× the parse floor).
const PARALLEL_THRESHOLD = 5000;

async function loadFile(f: FoundFile, file: string, o: LoadFilesOptions, videos: LoadedVideo[], problems: ManifestProblem[]): Promise<FileKey | undefined> {
  const read = readRegularFile(f.real ?? f.abs, o.maxFileBytes, (code, message) => problems.push({ file, line: 1, col: 1, code, message }));
  if (read === undefined) return undefined;
  await loadText(read.text, f, file, videos, problems, o.fast ?? true);
  return read.key;
}

/**
 * One file's text → videos and problems. The fast parser answers for the common, valid file; a file it
 * cannot vouch for, or one with any problem at all, is parsed again with positions, so problems are
 * always the precise parser's (exact FILE:LINE:COL) and the result is the same either way.
 */
export async function loadText(text: string, f: FoundFile, file: string, videos: LoadedVideo[], problems: ManifestProblem[], fast = true): Promise<void> {
  if (fast) {
    const got = await loadFast(text, f, file);
    if (got) {
      videos.push(...got);
      return;
    }
  }
  // Loaded on first use: a tree of plain manifests never needs it (nor its ~50 ms of module loading).
  const { offsetOf, parseYamlFile } = await import('./yaml-source.js');
  const parsed = parseYamlFile(text);
  const at = (offset: number) => parsed.lineCounter.linePos(offset);
  for (const p of parsed.problems) problems.push({ file, ...at(p.offset), code: p.code, message: p.message });
  for (const d of parsed.docs) {
    const located = (pointer: string, code: string, message: string, asKey = false) =>
      problems.push({ file, ...at(offsetOf(d.doc, pointer, asKey)), code, message });
    const video = await toVideo(d.value, f, located);
    if (!video) continue;
    const name = at(offsetOf(d.doc, '/metadata/name'));
    const output = video.output.path !== undefined ? at(offsetOf(d.doc, '/spec/output/path')) : undefined;
    videos.push(place(video, { file, line: name.line, col: name.col, docIndex: d.index }, output ? { file, line: output.line, col: output.col } : undefined));
  }
}

/** The fast path: the file's videos, or undefined when the precise path must decide (see loadText). */
async function loadFast(text: string, f: FoundFile, file: string): Promise<LoadedVideo[] | undefined> {
  const docs = fastParse(text);
  if (!docs) return undefined;
  const out: LoadedVideo[] = [];
  for (const d of docs) {
    let failed = false;
    const video = await toVideo(d.value, f, () => (failed = true));
    if (failed) return undefined;
    if (!video) continue;
    if (d.nameOffset === undefined) return undefined;
    if (video.output.path !== undefined && d.outputPathOffset === undefined) return undefined;
    const name = linePos(text, d.nameOffset);
    const output = video.output.path !== undefined ? linePos(text, d.outputPathOffset!) : undefined;
    out.push(place(video, { file, line: name.line, col: name.col, docIndex: d.index }, output ? { file, line: output.line, col: output.col } : undefined));
  }
  return out;
}

/** 1-based line and column of a 0-based offset, as yaml's LineCounter counts them. */
function linePos(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

export function checkUniqueNames(videos: LoadedVideo[], problems: ManifestProblem[]): void {
  const first = new Map<string, LoadedVideo>();
  const dups: LoadedVideo[] = [];
  for (const v of videos) {
    const prev = first.get(v.name);
    if (!prev) first.set(v.name, v);
    else {
      const s = prev.source;
      problems.push({ ...v.source, code: 'name.duplicate', message: `metadata.name "${v.name}" is already used at ${s.file}:${s.line}:${s.col}` });
      dups.push(v);
    }
  }
  if (dups.length) for (const d of dups) videos.splice(videos.indexOf(d), 1);
}

/** Files parsed between two turns of the event loop: signals, timers and probes are served during a long load. */
const YIELD_EVERY = 64;

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((r) => setImmediate(r));
      signal?.throwIfAborted(); // a stop asked for: the rest is not worth reading
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function byLocation(a: ManifestProblem, b: ManifestProblem): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col || (a.message < b.message ? -1 : 1);
}
