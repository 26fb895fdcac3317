// The parse floor as a process: `node parse-floor-main.js DIR` reads and yaml-parses every *.yaml under
// DIR (sorted), on one thread, nothing else — the peer of `reelctl plan DIR` run as a process.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseFloor } from './parse-floor.js';

const dir = path.resolve(process.argv[2]!);
const files = (await readdir(dir, { recursive: true }))
  .filter((f) => /\.ya?ml$/i.test(f))
  .sort()
  .map((f) => path.join(dir, f));
if ((await parseFloor(files)) === 0) throw new Error(`no manifests under ${dir}`);
