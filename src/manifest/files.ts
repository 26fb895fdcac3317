// Finding manifest files: a path is a file or a directory read recursively (*.yaml, *.yml);
// dot-files and dot-directories are skipped, symlinked directories are not followed.
// Only regular files are ever read (issue 17): a symlink is resolved and must stay inside the manifests
// root and end at a regular file; FIFOs, sockets and devices (directly, or behind a link) are reported,
// naming the file, and skipped — reading one would hang (a FIFO) or never end (/dev/zero). The loader
// opens `real` without following links and checks the open file again (load.ts), so a swap in between
// cannot get past either.
import type { Stats } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
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

/**
 * The manifest files at or under each changed path (the daemon's incremental reload), by the same rules as
 * the full walk: inside a root, no dot-file or dot-directory on the way, `*.yaml`/`*.yml`, regular files or
 * links to one inside the root. `scopes` are the changed paths that lie inside a root: every file known
 * at or under one of them and not in `files` is gone. A path outside every root is left out of both.
 */
export async function findChangedFiles(roots: string[], changed: string[]): Promise<{ files: FoundFile[]; scopes: string[]; problems: ManifestProblem[] }> {
  const files: FoundFile[] = [];
  const problems: ManifestProblem[] = [];
  const scopes: string[] = [];
  const rootDirs: { abs: string; dir: boolean }[] = [];
  for (const r of roots) {
    const abs = path.resolve(r);
    rootDirs.push({ abs, dir: (await stat(abs).catch(() => undefined))?.isDirectory() ?? false });
  }
  for (const c of changed) {
    const abs = path.resolve(c);
    const root = rootDirs.find((r) => (r.dir ? abs === r.abs || abs.startsWith(r.abs + path.sep) : abs === r.abs));
    if (!root) continue;
    scopes.push(abs);
    if (!root.dir) {
      // A root that is a file: the full walk's rule (stat follows a link; only a regular file is read).
      const st = await stat(abs).catch(() => undefined);
      if (st?.isFile()) files.push({ abs, root: path.dirname(abs), real: await realpath(abs) });
      else if (st) problems.push(notRegular(abs, st));
      continue;
    }
    const rel = path.relative(root.abs, abs);
    if (rel !== '' && rel.split(path.sep).some((part) => part.startsWith('.'))) continue;
    const st = await lstat(abs).catch(() => undefined);
    if (!st) continue; // gone: its scope removes what was known under it
    const realRoot = await realpath(root.abs);
    if (st.isDirectory()) await walk(abs, realRoot, root.abs, files, problems);
    else if (!isManifestName(path.basename(abs))) continue;
    else if (st.isFile()) files.push({ abs, root: root.abs, real: abs });
    else if (st.isSymbolicLink()) {
      const found = await resolveLink(abs, realRoot, problems);
      if (found) files.push({ abs, root: root.abs, real: found });
    } else problems.push(notRegular(abs, st));
  }
  const seen = new Set<string>();
  return { files: files.filter((f) => (seen.has(f.abs) ? false : (seen.add(f.abs), true))), scopes, problems };
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
    problems.push({
      file: abs,
      line: 1,
      col: 1,
      code: 'file.broken-link',
      message: `symlink cannot be resolved (${(err as NodeJS.ErrnoException).code}); skipped`,
    });
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
  const kind = st.isFIFO()
    ? 'a FIFO'
    : st.isSocket()
      ? 'a socket'
      : st.isCharacterDevice()
        ? 'a character device'
        : st.isBlockDevice()
          ? 'a block device'
          : st.isDirectory()
            ? 'a directory'
            : 'not a regular file';
  return {
    file,
    line: 1,
    col: 1,
    code: 'file.not-regular',
    message: `${target ? `symlink to ${target}, which is ` : 'this is '}${kind}; only regular files are read (skipped)`,
  };
}
