// Finding manifest files: a path is a file or a directory read recursively (*.yaml, *.yml);
// dot-files and dot-directories are skipped, symlinked directories are not followed.
// Only regular files are ever read (issue 17): a symlink is resolved and must stay inside the manifests
// root and end at a regular file; FIFOs, sockets and devices (directly, or behind a link) are reported,
// naming the file, and skipped — reading one would hang (a FIFO) or never end (/dev/zero). The loader
// opens `real` without following links and checks the open file again (load.ts), so a swap in between
// cannot get past either.
import type { Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ManifestProblem } from '../errors.js';

export interface FoundFile {
  abs: string;
  /** The manifests root this file belongs to (the directory argument, or the file's directory). */
  root: string;
  /** The resolved path to open (symlinks resolved); the loader opens it with O_NOFOLLOW. */
  real?: string;
}

const isManifestName = (name: string): boolean => !name.startsWith('.') && /\.ya?ml$/i.test(name);

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
    if (st.isDirectory()) await walk(abs, await realpath(abs), abs, files, problems);
    else if (!st.isFile()) problems.push(notRegular(p, st));
    else files.push({ abs, root: path.dirname(abs), real: await realpath(abs) });
  }
  const seen = new Set<string>();
  const unique = files.filter((f) => (seen.has(f.abs) ? false : (seen.add(f.abs), true)));
  unique.sort((a, b) => (a.abs < b.abs ? -1 : a.abs > b.abs ? 1 : 0));
  return { files: unique, problems };
}

async function walk(dir: string, realRoot: string, root: string, out: FoundFile[], problems: ManifestProblem[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) await walk(abs, realRoot, root, out, problems);
    else if (!isManifestName(e.name)) continue;
    else if (e.isFile()) out.push({ abs, root, real: abs });
    else if (e.isSymbolicLink()) {
      const found = await resolveLink(abs, realRoot, problems);
      if (found) out.push({ abs, root, real: found });
    } else problems.push(notRegular(abs, await stat(abs)));
  }
}

/** A symlinked manifest: its target, when that is a regular file inside the root; otherwise reported. */
async function resolveLink(abs: string, realRoot: string, problems: ManifestProblem[]): Promise<string | undefined> {
  let real: string;
  let st: Stats;
  try {
    real = await realpath(abs);
    st = await stat(real); // stat never opens the file: no hang on a FIFO
  } catch (err) {
    problems.push({ file: abs, line: 1, col: 1, code: 'file.broken-link', message: `symlink cannot be resolved (${(err as NodeJS.ErrnoException).code}); skipped` });
    return undefined;
  }
  const rel = path.relative(realRoot, real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    problems.push({ file: abs, line: 1, col: 1, code: 'file.outside-root', message: `symlink points outside the manifests directory (to ${real}); skipped` });
    return undefined;
  }
  if (st.isDirectory()) return undefined; // symlinked directories are not followed
  if (!st.isFile()) {
    problems.push(notRegular(abs, st, real));
    return undefined;
  }
  return real;
}

function notRegular(file: string, st: Stats, target?: string): ManifestProblem {
  const kind = st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : st.isCharacterDevice() ? 'a character device' : st.isBlockDevice() ? 'a block device' : st.isDirectory() ? 'a directory' : 'not a regular file';
  return { file, line: 1, col: 1, code: 'file.not-regular', message: `${target ? `symlink to ${target}, which is ` : 'this is '}${kind}; only regular files are read (skipped)` };
}
