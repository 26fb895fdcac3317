// Worker thread for large manifest trees: loads its share of the files and posts the results back.
import { parentPort, workerData } from 'node:worker_threads';
import type { FoundFile } from './files.js';
import { loadFiles } from './load.js';

const { files, cwd, maxFileBytes, fast } = workerData as { files: FoundFile[]; cwd: string; maxFileBytes: number; fast?: boolean };
parentPort!.postMessage(await loadFiles(files, { cwd, maxFileBytes, fast: fast ?? true }));
