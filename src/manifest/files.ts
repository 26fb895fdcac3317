// Finding manifest files: a path is a file or a directory read recursively (*.yaml, *.yml);
// dot-files and dot-directories are skipped, symlinked directories are not followed.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ManifestProblem } from '../errors.js';

export interface FoundFile {
  abs: string;
  /** The manifests root this file belongs to (the directory argument, or the file's directory). */
  root: string;
}

export const isManifestName = (name: string): boolean => !name.startsWith('.') && /\.ya?ml$/i.test(name);

export async function findManifestFiles(paths: string[]): Promise<{ files: FoundFile[]; problems: ManifestProblem[] }> {
  const files: FoundFile[] = [];
  const problems: ManifestProblem[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    let st;
    try {
      st = await stat(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push({ file: p, line: 1, col: 1, code: 'path.missing', message: code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${code}` });
      continue;
    }
    if (st.isDirectory()) await walk(abs, abs, files);
    else files.push({ abs, root: path.dirname(abs) });
  }
  const seen = new Set<string>();
  const unique = files.filter((f) => (seen.has(f.abs) ? false : (seen.add(f.abs), true)));
  unique.sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
  return { files: unique, problems };
}

async function walk(dir: string, root: string, out: FoundFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) await walk(abs, root, out);
    else if ((e.isFile() || e.isSymbolicLink()) && isManifestName(e.name)) out.push({ abs, root });
  }
}
