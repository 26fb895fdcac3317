// Worker thread for large manifest trees (load-split.ts): claims chunks of the files from the counter it
// shares with the main thread, loads each and posts its results back with the spec hashes of its videos,
// one chunk at a time (then `null`), so it never holds — nor the main thread receives in one structured
// clone — the results of its whole share at once (issue 19 item 3: peak memory).
import { parentPort, workerData } from 'node:worker_threads';
import { loadFiles } from './load.js';
import { claim, type ChunkMessage, type SplitJob } from './load-split.js';
import { specHash } from './spec-hash.js';

const { files, next, cwd, maxFileBytes, fast } = workerData as SplitJob;
for (let c; (c = claim(next, files.length)) !== undefined;) {
  const results = await loadFiles(files.slice(c.at, c.end), { cwd, maxFileBytes, fast: fast ?? true });
  for (const r of results) r.specHashes = r.videos.map((v) => specHash(v));
  parentPort!.postMessage({ at: c.at, results } satisfies ChunkMessage);
}
parentPort!.postMessage(null);
