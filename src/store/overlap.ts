// --out and the state may not overlap (issue 17): with the state directory inside --out (`--out .` and
// `.reelctl/state.json`), an output path could name the state file, its backup, journal or lock. Compared
// by real path (symlinks resolved as far as the paths exist), refused at start. --out *inside* the state
// directory is the usual layout (`--state /data/state.json --out /data/outputs`) and stays allowed: the
// state's files sit directly in its directory, and outputs cannot leave --out — unless --out itself takes
// one of the state's names (`--out /data/state.json.backup`), which is refused too.
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** The real path of `p`: its longest existing ancestor resolved, the rest appended as written. */
async function realPathSoFar(p: string): Promise<string> {
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
  const shownStateDir = path.dirname(stateFile);
  if (inside(out, stateDir))
    throw new UsageError(
      `--out ${outDir} and the state directory ${shownStateDir} overlap (${stateDir} is inside ${out}); an output could overwrite the state. Use separate directories, e.g. --out outputs --state .reelctl/state.json`,
    );
  if (inside(stateDir, out)) {
    const first = path.relative(stateDir, out).split(path.sep)[0]!;
    const stateNames = [path.basename(stateFile), 'events.jsonl'];
    if (stateNames.some((n) => first.startsWith(n)))
      throw new UsageError(
        `--out ${outDir} takes the name of a state file (${first} in ${shownStateDir}); choose another output directory, e.g. --out ${path.join(shownStateDir, 'outputs')}`,
      );
  }
}
