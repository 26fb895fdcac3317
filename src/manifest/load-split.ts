// Loading a large tree on two threads (issue 19: a 10,000-manifest plan in under 3 s on two cores). The
// main thread and one worker each claim the next chunk of files from one shared counter (Atomics) until
// none is left, so the worker's late start (it imports and compiles the loader again) and any difference in
// speed even out: neither thread sits idle while the other still has a backlog. Chunks shrink towards the
// end (an eighth of what is left, between MIN_CHUNK and CHUNK files), so the thread that finishes first
// waits at most for a small last chunk of the other's — on a busy machine, where either thread can be
// descheduled for a while, a large last chunk kept the whole load waiting. The worker posts each chunk's results back with the chunk's start (results stay in file
// order) and the spec hashes of its videos, so the main thread does not hash them again; the main thread
// hashes its own chunks' videos as it loads them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FoundFile } from './files.js';
import { loadFiles, type FileResult, type LoadFilesOptions } from './load.js';
import { ownStrings } from './own-strings.js';
import { rememberSpecHash, specHash } from './spec-hash.js';

/** Most files per claim (fewer messages), and fewest (the last claims, when little is left). */
export const CHUNK = 250;
export const MIN_CHUNK = 25;

/** What the worker is given (workerData). */
export interface SplitJob extends LoadFilesOptions {
  files: FoundFile[];
  /** next[0]: the index of the first file not claimed yet (shared by both threads). */
  next: Int32Array;
}

/** One chunk's results, posted by the worker (`null` once no chunk is left). */
export interface ChunkMessage {
  at: number;
  results: FileResult[];
}

/** The compiled worker (absent when running from TypeScript sources, e.g. under vitest). */
export function workerScript(): URL | undefined {
  const url = new URL('./load-worker.js', import.meta.url);
  return import.meta.url.endsWith('.js') && existsSync(fileURLToPath(url)) ? url : undefined;
}

/** The files [at, end) claimed, or undefined when every file is taken. */
export function claim(next: Int32Array, files: number): { at: number; end: number } | undefined {
  for (;;) {
    const at = Atomics.load(next, 0);
    if (at >= files) return undefined;
    const end = Math.min(files, at + Math.min(CHUNK, Math.max(MIN_CHUNK, Math.ceil((files - at) / 8))));
    if (Atomics.compareExchange(next, 0, at, end) === at) return { at, end };
  }
}

export async function loadSplit(files: FoundFile[], o: LoadFilesOptions, signal?: AbortSignal, script = workerScript()!): Promise<FileResult[]> {
  const next = new Int32Array(new SharedArrayBuffer(4));
  const results = new Array<FileResult>(files.length);
  const job: SplitJob = { files, next, cwd: o.cwd, maxFileBytes: o.maxFileBytes, ...(o.fast !== undefined ? { fast: o.fast } : {}) };
  const worker = new Worker(script, { workerData: job });
  const done = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: ChunkMessage | null) => {
      if (!m) return resolve();
      m.results.forEach((r, k) => {
        // A clone owns its strings already; equal short ones (model names, label values) are shared here.
        r.videos.forEach((v, i) => {
          ownStrings(v.labels, false);
          ownStrings(v.request, false);
          rememberSpecHash(v, r.specHashes![i]!);
        });
        delete r.specHashes;
        results[m.at + k] = r;
      });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`manifest loader thread exited (${code})`)));
  });
  done.catch(() => undefined); // awaited below; a failure while this thread still loads is not unhandled
  try {
    for (let c; (c = claim(next, files.length)) !== undefined;) {
      const { at } = c;
      (await loadFiles(files.slice(at, c.end), o, signal)).forEach((r, k) => {
        // Hashed here too, not after the load: the hashing is then shared between the threads like the rest.
        r.videos.forEach((v) => rememberSpecHash(v, specHash(v)));
        results[at + k] = r;
      });
    }
    await done;
    return results;
  } finally {
    void worker.terminate();
  }
}
