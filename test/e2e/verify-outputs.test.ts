// Outputs are checked cheaply (issue 19 item 5): apply records each file's mtime and inode beside its
// sha256; plan trusts an unchanged size, mtime and inode, and `--verify-outputs` hashes every file.
import { closeSync, openSync, rmSync, statSync, utimesSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reelctl } from './cli.js';
import { readState, videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => {
  await w?.close();
  if (w) rmSync(w.dir, { recursive: true, force: true });
});

const SIM_ENV = { RUNWARE_API_KEY: '', REELCTL_SIM_LATENCY_MS: '200', REELCTL_POLL_MS: '150' };

describe('plan --verify-outputs', () => {
  it('apply records size, mtime and inode; an edit keeping all three is caught only by --verify-outputs', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const r = await reelctl(['apply', '--simulate', 'manifests'], { cwd: w.dir, env: SIM_ENV });
    expect(r.exitCode, r.stderr).toBe(0);
    const file = path.join(w.dir, 'outputs-simulated', 'alpha.mp4');
    const st = statSync(file, { bigint: true });
    const out = readState(path.join(w.dir, '.reelctl', 'simulated', 'state.json')).videos.alpha.outputs[0];
    expect(out.seen).toEqual({ mtimeNs: st.mtimeNs.toString(), ino: st.ino.toString() });
    const plan = async (...flags: string[]) =>
      JSON.parse((await reelctl(['plan', '--simulate', '--json', 'manifests', ...flags], { cwd: w.dir, env: SIM_ENV })).stdout);
    expect((await plan()).summary.download).toBe(0);
    // Overwrite one byte in place (same inode, same size) and put the mtime back: only a hash can tell.
    const before = statSync(file);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from([0x42]), 0, 1, 100);
    closeSync(fd);
    utimesSync(file, before.atime, before.mtime);
    const cheap = await plan();
    const verified = await plan('--verify-outputs');
    if (statSync(file, { bigint: true }).mtimeNs === st.mtimeNs) expect(cheap.summary.download).toBe(0); // the documented blind spot
    expect(verified.summary.download).toBe(1);
  });
});
