// Containment for everything written under --out: resolved with realpath + path.relative, never string
// prefixes, and a final name that is a symlink is refused (it could point anywhere).
import { lstat, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { ArtifactError } from '../errors.js';
import { groupByKey } from './dir-sync.js';

export async function resolveInside(root: string, rel: string): Promise<string> {
  checkRel(rel);
  return resolveUnder(await realRoot(root), rel);
}

/** `root` created if need be, and its real path: what resolveUnder takes. */
export async function realRoot(root: string): Promise<string> {
  await mkdir(root, { recursive: true });
  return realpath(root);
}

/**
 * resolveInside under a root already resolved (realRoot): the store resolves its --out once per run
 * instead of twice per file (a mkdir and a realpath each time). Everything below the root is checked
 * on every call, as before.
 */
export async function resolveUnder(realRoot: string, rel: string): Promise<string> {
  checkRel(rel);
  const target = path.join(realRoot, rel);
  const realParent = await realDir(path.dirname(target));
  const relParent = path.relative(realRoot, realParent);
  if (relParent.startsWith('..') || path.isAbsolute(relParent)) throw escape(rel);
  const final = path.join(realParent, path.basename(target));
  const st = await lstat(final).catch(() => undefined);
  if (st?.isSymbolicLink())
    throw new ArtifactError(`refusing to write ${rel}: it is a symlink (outputs are never written through links)`, { code: 'path.symlink' });
  return final;
}

/**
 * A directory created if need be, and its real path. Files resolved together in one directory (hundreds of
 * renders finishing at once) share one mkdir and realpath: each caller gets the answer of a run that started
 * after its call (dir-sync.ts), so a directory swapped for a link before a call is seen by that call.
 */
const realDir = groupByKey(async (dir) => {
  await mkdir(dir, { recursive: true });
  return realpath(dir);
});

function checkRel(rel: string): void {
  if (path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) throw escape(rel);
}

function escape(rel: string): ArtifactError {
  return new ArtifactError(`refusing to write ${rel}: it resolves outside the output directory`, { code: 'path.escape' });
}
