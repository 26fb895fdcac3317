// Seeded generator of realistic manifests for benches and stress tests (same seed → same files).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { prng } from '../../src/provider/sim/prng.js';

export { prng };

const WORDS = 'neon rain alley courier drone dusk dune glacier market harbor lantern skyline forest ember tide chrome velvet canyon orbit meadow'.split(' ');
const SIZES: [number, number][] = [
  [1280, 720],
  [720, 1280],
  [960, 960],
];

export interface GenOptions {
  count: number;
  seed?: number;
  /** Videos per file (multi-document files when > 1). */
  perFile?: number;
  /** Subdirectories to spread files over. */
  dirs?: number;
}

function prompt(rand: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
}

/** One manifest document as YAML text. */
export function manifestYaml(i: number, rand: () => number): string {
  const [w, h] = SIZES[i % SIZES.length]!;
  return [
    'apiVersion: reelctl/v1',
    'kind: Video',
    'metadata:',
    `  name: video-${String(i).padStart(5, '0')}`,
    '  labels:',
    `    campaign: c${i % 7}`,
    'spec:',
    '  request:',
    '    model: klingai:kling-video@3-standard',
    `    positivePrompt: "${prompt(rand, 60 + Math.floor(rand() * 60))}"`,
    `    negativePrompt: "${prompt(rand, 12)}"`,
    `    width: ${w}`,
    `    height: ${h}`,
    `    duration: ${3 + Math.floor(rand() * 13)}`,
    '',
  ].join('\n');
}

/** Writes `count` videos under `dir`; returns the file paths. */
export async function generateManifests(dir: string, opts: GenOptions): Promise<string[]> {
  const rand = prng(opts.seed ?? 42);
  const perFile = opts.perFile ?? 1;
  const dirs = opts.dirs ?? Math.max(1, Math.ceil(opts.count / 500));
  const files: string[] = [];
  for (let d = 0; d < dirs; d++) await mkdir(path.join(dir, `batch-${d}`), { recursive: true });
  for (let i = 0, f = 0; i < opts.count; f++) {
    const docs: string[] = [];
    for (let k = 0; k < perFile && i < opts.count; k++, i++) docs.push(manifestYaml(i, rand));
    const file = path.join(dir, `batch-${f % dirs}`, `video-${f}.yaml`);
    await writeFile(file, docs.join('---\n'));
    files.push(file);
  }
  return files;
}
