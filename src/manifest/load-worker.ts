// Worker thread for large manifest trees: loads its share of the files and posts the results back in
// batches (then `null`), so it never holds — nor the main thread receives in one structured clone — the
// results of its whole share at once (issue 19 item 3: peak memory).
import { parentPort, workerData } from 'node:worker_threads';
import type { FoundFile } from './files.js';
import { loadFiles } from './load.js';

const WORKER_BATCH = 1000;

const { files, cwd, maxFileBytes, fast } = workerData as { files: FoundFile[]; cwd: string; maxFileBytes: number; fast?: boolean };
for (let i = 0; i < files.length; i += WORKER_BATCH)
  parentPort!.postMessage(await loadFiles(files.slice(i, i + WORKER_BATCH), { cwd, maxFileBytes, fast: fast ?? true }));
parentPort!.postMessage(null);
