// --out and the state directory may not overlap (issue 17): an output path could otherwise name the state
// file, its backup, journal or lock (`--out .` with `.reelctl/state.json`), or a state write land among the
// outputs. Compared by real path (symlinks resolved as far as the paths exist), refused at start.
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** The real path of `p`: its longest existing ancestor resolved, the rest appended as written. */
export async function realPathSoFar(p: string): Promise<string> {
  const abs = path.resolve(p);
  const rest: string[] = [];
  for (let cur = abs; ; cur = path.dirname(cur)) {
    try {
      return path.join(await realpath(cur), ...rest.reverse());
    } catch {
      if (path.dirname(cur) === cur) return abs;
      rest.push(path.basename(cur));
    }
  }
}

const inside = (dir: string, p: string): boolean => {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

export async function assertSeparateDirs(outDir: string, stateFile: string): Promise<void> {
  const out = await realPathSoFar(outDir);
  const stateDir = await realPathSoFar(path.dirname(path.resolve(stateFile)));
  if (inside(out, stateDir) || inside(stateDir, out))
    throw new UsageError(`--out ${outDir} and the state directory ${path.dirname(stateFile)} overlap (${out} and ${stateDir}); an output could overwrite the state. Use separate directories, e.g. --out outputs --state .reelctl/state.json`);
}
