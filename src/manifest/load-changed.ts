// The daemon's incremental reload (issue 19 item 4): load only the files at or under the paths a watcher
// reported, by the same rules and parser as the full load (files.ts, load.ts). Cross-file rules (unique
// names, output collisions) need every file: the caller checks them over its whole in-memory set.
// Files just saved are not looked up in the parse cache: they changed (a miss), and are too new to store.
import path from 'node:path';
import type { ManifestProblem } from '../errors.js';
import { findChangedFiles } from './files.js';
import { loadFiles } from './load.js';
import type { LoadedVideo } from './model.js';
import { LIMITS } from './limits.js';

export interface ChangedLoad {
  /** Each manifest file found at or under a changed path (absolute) → what it loads to now. */
  files: Map<string, { videos: LoadedVideo[]; problems: ManifestProblem[] }>;
  /** The changed paths inside a root: a file known before at or under one of these and absent from `files` is gone. */
  scopes: string[];
}

export async function loadChangedManifests(
  roots: string[],
  changed: string[],
  opts: { cwd?: string; maxFileBytes?: number; signal?: AbortSignal } = {},
): Promise<ChangedLoad> {
  const cwd = opts.cwd ?? process.cwd();
  const found = await findChangedFiles(roots, changed);
  const results = await loadFiles(found.files, { cwd, maxFileBytes: opts.maxFileBytes ?? LIMITS.maxFileBytes }, opts.signal);
  const files = new Map(found.files.map((f, i) => [f.abs, { videos: results[i]!.videos, problems: results[i]!.problems }]));
  // A file the walk refused (not regular, broken link, outside the root) loads to its problem.
  for (const p of found.problems) {
    const abs = path.resolve(p.file);
    const entry = files.get(abs) ?? { videos: [], problems: [] };
    entry.problems.push({ ...p, file: path.relative(cwd, abs) || abs });
    files.set(abs, entry);
  }
  return { files, scopes: found.scopes };
}
