// The loader: files → YAML documents → schema + rules → LoadedVideo[], with every problem located as
// FILE:LINE:COL. It never throws on bad input: problems are collected and returned, all at once.
import { constants as fsConstants, existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import type { ManifestProblem } from '../errors.js';
import { findManifestFiles, type FoundFile } from './files.js';
import { withDefaults } from './defaults.js';
import { collectLocalInputs } from './local-inputs.js';
import { checkOutputCollisions, checkOutputPath, showPath } from './output-path-rules.js';
import type { LoadedVideo, LoadResult, VideoRequest } from './model.js';
import { checkOutputFormat } from './output-format.js';
import { checkRequestRules } from './rules.js';
import { checkManifestSchema } from './schema-check.js';
import { LIMITS, offsetOf, parseYamlFile, type ParsedDoc } from './yaml-source.js';
import type { VideoManifest } from './types.gen.js';

export interface LoadOptions {
  maxFileBytes?: number;
  /** Parse a large tree on a second thread too (default true): faster, at the cost of a second heap. */
  parallel?: boolean;
  /** Base for the file names shown in problems (default: cwd). */
  cwd?: string;
}

export async function loadManifests(paths: string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const cwd = opts.cwd ?? process.cwd();
  const found = await findManifestFiles(paths);
  const problems: ManifestProblem[] = found.problems.map((p) => (path.isAbsolute(p.file) ? { ...p, file: path.relative(cwd, p.file) || p.file } : p));
  const videos: LoadedVideo[] = [];
  const o = { cwd, maxFileBytes: opts.maxFileBytes ?? LIMITS.maxFileBytes };
  // Parsing is CPU-bound: a large tree is split with a worker thread (in file order), a small one is not.
  const parallel = (opts.parallel ?? true) && found.files.length >= PARALLEL_THRESHOLD;
  const parts = parallel && workerScript() ? await loadSplit(found.files, o) : [await loadFiles(found.files, o)];
  for (const part of parts)
    for (const r of part) {
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
}

/** Loads files with bounded I/O parallelism (waits overlap); results stay in file order. */
export function loadFiles(files: FoundFile[], o: { cwd: string; maxFileBytes: number }): Promise<FileResult[]> {
  const show = (abs: string) => path.relative(o.cwd, abs) || abs;
  return mapLimit(files, 16, async (f) => {
    const out: FileResult = { videos: [], problems: [] };
    try {
      await loadFile(f, show(f.abs), o.maxFileBytes, out.videos, out.problems);
    } catch (err) {
      out.problems.push({ file: show(f.abs), line: 1, col: 1, code: 'file.unreadable', message: `cannot read: ${(err as Error).message}` });
    }
    return out;
  });
}

const PARALLEL_THRESHOLD = 2000;

/** The compiled worker (absent when running from TypeScript sources, e.g. under vitest). */
function workerScript(): URL | undefined {
  const url = new URL('./load-worker.js', import.meta.url);
  return import.meta.url.endsWith('.js') && existsSync(fileURLToPath(url)) ? url : undefined;
}

async function loadSplit(files: FoundFile[], o: { cwd: string; maxFileBytes: number }): Promise<FileResult[][]> {
  const half = Math.ceil(files.length / 2);
  const worker = new Worker(workerScript()!, { workerData: { files: files.slice(0, half), ...o } });
  const first = new Promise<FileResult[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const second = loadFiles(files.slice(half), o);
  try {
    return [await first, await second];
  } finally {
    void worker.terminate();
  }
}

async function loadFile(f: FoundFile, file: string, maxBytes: number, videos: LoadedVideo[], problems: ManifestProblem[]): Promise<void> {
  const text = await readRegularFile(f.real ?? f.abs, maxBytes, (code, message) => problems.push({ file, line: 1, col: 1, code, message }));
  if (text === undefined) return;
  const parsed = parseYamlFile(text);
  const at = (offset: number) => parsed.lineCounter.linePos(offset);
  for (const p of parsed.problems) problems.push({ file, ...at(p.offset), code: p.code, message: p.message });
  for (const d of parsed.docs) {
    const located = (pointer: string, code: string, message: string, asKey = false) =>
      problems.push({ file, ...at(offsetOf(d.doc, pointer, asKey)), code, message });
    const video = await toVideo(d, f, located);
    const outputSource = video?.output.path !== undefined ? { outputSource: { file, ...at(offsetOf(d.doc, '/spec/output/path')) } } : {};
    if (video) videos.push({ ...video, source: { file, ...at(offsetOf(d.doc, '/metadata/name')), docIndex: d.index }, ...outputSource });
  }
}

/**
 * Reads a manifest only when the open file is a regular file within the size cap (fstat on the open
 * descriptor, before reading): O_NONBLOCK so opening a FIFO cannot wait for a writer, O_NOFOLLOW so the
 * path the walker resolved cannot have become a link since, and never more than the cap (+1) bytes even
 * if the file grows meanwhile.
 */
async function readRegularFile(file: string, maxBytes: number, report: (code: string, message: string) => void): Promise<string | undefined> {
  const fh = await open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      report('file.not-regular', 'not a regular file (a FIFO, socket or device?); only regular files are read (skipped)');
      return undefined;
    }
    if (st.size > maxBytes) {
      report('file.too-large', `file is ${st.size} bytes; the limit is ${maxBytes}`);
      return undefined;
    }
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (let r; n < buf.length && (r = await fh.read(buf, n, buf.length - n, n)).bytesRead > 0; ) n += r.bytesRead;
    if (n > maxBytes) {
      report('file.too-large', `file grew past the limit of ${maxBytes} bytes while being read`);
      return undefined;
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    await fh.close();
  }
}

type Locate = (pointer: string, code: string, message: string, asKey?: boolean) => void;

async function toVideo(d: ParsedDoc, f: FoundFile, located: Locate): Promise<Omit<LoadedVideo, 'source'> | undefined> {
  const value = d.value;
  if (value === null || value === undefined) return undefined; // empty document
  if (typeof value !== 'object' || Array.isArray(value)) {
    located('', 'schema.type', 'a manifest must be a mapping with apiVersion, kind, metadata and spec');
    return undefined;
  }
  let ok = true;
  for (const p of checkManifestSchema(value)) {
    ok = false;
    located(p.pointer, p.code, p.message, p.code === 'schema.unknown-field');
  }
  const m = value as VideoManifest;
  const request = (m.spec as { request?: unknown } | undefined)?.request;
  for (const p of checkRequestRules(request)) {
    ok = false;
    located('/spec/request' + p.pointer, p.code, `spec.request: ${p.message}`, p.code === 'rule.owned-field');
  }
  const outPath = (m.spec as { output?: { path?: unknown } } | undefined)?.output?.path;
  let pathRefused = false;
  if (typeof outPath === 'string' && !isContainedRelative(outPath)) {
    ok = false;
    pathRefused = true;
    located('/spec/output/path', 'path.escape', `spec.output.path: "${showPath(outPath)}" must be a relative path inside --out (no .., not absolute)`);
  } else if (typeof outPath === 'string') {
    const n = withDefaults((request ?? {}) as VideoRequest).numberResults;
    for (const p of checkOutputPath(path.posix.normalize(outPath), typeof n === 'number' && n >= 1 ? n : 1)) {
      ok = false;
      pathRefused = true;
      located('/spec/output/path', p.code, p.message);
    }
  }
  // One problem per field: a path already refused (reserved name, escape) is not also a format mismatch.
  const format = !pathRefused ? checkOutputFormat(outPath, (request as { outputFormat?: unknown } | undefined)?.outputFormat) : undefined;
  if (format) {
    ok = false;
    located('/spec/output/path', format.code, format.message);
  }
  if (!ok) return undefined;
  const local = await collectLocalInputs(m.spec.request as VideoRequest, f.abs, f.root);
  for (const p of local.problems) located('/spec/request' + p.pointer, p.code, `spec.request: ${p.message}`);
  if (local.problems.length > 0) return undefined;
  return {
    name: m.metadata.name,
    labels: m.metadata.labels ?? {},
    request: m.spec.request as VideoRequest,
    output: m.spec.output?.path ? { path: path.posix.normalize(m.spec.output.path) } : {},
    suspend: m.spec.suspend ?? false,
    regenerate: m.spec.regenerate ?? 0,
    ...(m.spec.maxCostUsd !== undefined ? { maxCostUsd: m.spec.maxCostUsd } : {}),
    localInputs: local.inputs,
  };
}

/** Lexical containment of an output path (the artifact store re-checks with realpath at write time). */
function isContainedRelative(p: string): boolean {
  if (p.includes('\0') || path.isAbsolute(p) || /^[A-Za-z]:/.test(p)) return false;
  const rel = path.relative('/out', path.resolve('/out', p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !p.endsWith('/');
}

function checkUniqueNames(videos: LoadedVideo[], problems: ManifestProblem[]): void {
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

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function byLocation(a: ManifestProblem, b: ManifestProblem): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col || (a.message < b.message ? -1 : 1);
}
