// checkOutputDir probes --out with a file it removes at once; a kill -9 between the two leaves the probe
// behind (seen in the webhook crash test). The next check removes probes of processes that are gone and
// leaves a live process's probe alone.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputDir } from '../../src/store/out-dir.js';
import { tempDirs } from '../tmp-dirs.js';

const tmp = tempDirs();
const DEAD_PID = 2 ** 22 + 4321; // above Linux's pid_max: never a live process

describe('checkOutputDir', () => {
  it("removes a dead process's leftover probe, keeps a live one's, and leaves no probe of its own", async () => {
    const dir = tmp('reelctl-outdir-');
    const dead = path.join(dir, `.reelctl-probe-${DEAD_PID}-abcd1234`);
    const live = path.join(dir, '.reelctl-probe-1-abcd1234'); // pid 1 always exists
    for (const f of [dead, live]) writeFileSync(f, '');
    await checkOutputDir(dir);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(readdirSync(dir)).toEqual(['.reelctl-probe-1-abcd1234']);
  });

  it('refuses a directory it cannot create, naming it', async () => {
    const dir = tmp('reelctl-outdir-');
    writeFileSync(path.join(dir, 'file'), '');
    await expect(checkOutputDir(path.join(dir, 'file', 'out'))).rejects.toThrow(/cannot write to the output directory .*ENOTDIR/);
  });
});
