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
  it('refuses the state inside --out (also through a symlink) and --out named like a state file; accepts siblings and outputs/ beside the state', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-overlap-'));
    const at = (...p: string[]) => path.join(dir!, ...p);
    mkdirSync(at('real'));
    symlinkSync(at('real'), at('alias'));
    const refused = [
      [at('.'), at('.reelctl', 'state.json')], // --out . with the default state
      [at('.reelctl'), at('.reelctl', 'state.json')],
      [at('alias', 'out'), at('real', 'out', 'state.json')],
      [at('alias'), at('real', 'state', 'state.json')],
      [at('alias'), at('real', 'state.json')],
    ];
    for (const [out, state] of refused) await expect(assertSeparateDirs(out!, state!), `${out} / ${state}`).rejects.toThrow(/overlap/);
    // --out named like one of the state's own files
    for (const name of ['state.json', 'state.json.backup', 'state.json.journal', 'events.jsonl'])
      await expect(assertSeparateDirs(at('data', name), at('data', 'state.json'))).rejects.toThrow(/takes the name of a state file/);
    await expect(assertSeparateDirs(at('outputs'), at('.reelctl', 'state.json'))).resolves.toBeUndefined();
    await expect(assertSeparateDirs(at('out'), at('out-state', 'state.json'))).resolves.toBeUndefined(); // a shared prefix is not containment
    // the Dockerfile / Kubernetes / CI layout: outputs in a subdirectory beside the state file
    await expect(assertSeparateDirs(at('data', 'outputs'), at('data', 'state.json'))).resolves.toBeUndefined();
    await expect(assertSeparateDirs(at('alias', 'outputs'), at('real', 'state.json'))).resolves.toBeUndefined();
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
