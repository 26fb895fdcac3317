// Issue 17 item 3: --out and the state directory may not overlap (refused at start, nothing written).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertSeparateDirs } from '../../src/store/overlap.js';
import { reelctl } from '../e2e/cli.js';
import { CANARY_KEY, videoYaml, workspace, type Workspace } from '../e2e/harness.js';

let dir: string | undefined;
let w: Workspace | undefined;
afterEach(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  await w?.close();
  w = undefined;
});

describe('--out and the state directory', () => {
  it('refuses every overlap: same, one inside the other, through a symlink; accepts siblings', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-overlap-'));
    const at = (...p: string[]) => path.join(dir!, ...p);
    mkdirSync(at('real'));
    symlinkSync(at('real'), at('alias'));
    const refused = [
      [at('.'), at('.reelctl', 'state.json')], // --out . with the default state
      [at('.reelctl'), at('.reelctl', 'state.json')],
      [at('.reelctl', 'out'), at('.reelctl', 'state.json')],
      [at('alias', 'out'), at('real', 'out', 'state.json')],
      [at('alias'), at('real', 'state', 'state.json')],
    ];
    for (const [out, state] of refused) await expect(assertSeparateDirs(out!, state!), `${out} / ${state}`).rejects.toThrow(/overlap/);
    await expect(assertSeparateDirs(at('outputs'), at('.reelctl', 'state.json'))).resolves.toBeUndefined();
    await expect(assertSeparateDirs(at('out'), at('out-state', 'state.json'))).resolves.toBeUndefined(); // a shared prefix is not containment
  });

  it('apply --out . with the default state is refused at start: exit 1, nothing sent, nothing written', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const r = await reelctl(['apply', w.manifests, '--out', '.'], { cwd: w.dir, env: { RUNWARE_API_URL: w.sim.url, RUNWARE_API_KEY: CANARY_KEY } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/--out \. and the state directory \.reelctl overlap/);
    expect(w.sim.stats().requests).toBe(0);
    expect(existsSync(path.join(w.dir, '.reelctl'))).toBe(false);
    expect(readdirSync(w.dir).sort()).toEqual(['manifests']);
  });
});
