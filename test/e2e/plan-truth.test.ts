// `plan` tells the truth about videos apply alone cannot fix (Failed, a download given up, a file drifted
// beyond re-download): each is listed with its reason and what to do, and --detailed-exitcode says 2.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reelctl } from './cli.js';
import { CANARY_KEY, readState, videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

const plan = (extra: string[] = []) => reelctl(['plan', w.manifests, '--state', w.state, '--out', w.out, '--detailed-exitcode', ...extra], { cwd: w.dir });

function editState(name: string, patch: (v: any) => void) {
  const s = readState(w.state);
  patch(s.videos[name]);
  writeFileSync(w.state, JSON.stringify(s));
}

describe('plan tells the truth', () => {
  it('a Failed video: reason and what to do, exit 2; apply prints the very same plan', async () => {
    w = await workspace({ faults: { generationFailureRate: 1 } });
    w.write('a.yaml', videoYaml('alpha'));
    expect((await w.apply()).exitCode).toBe(1);
    const p = await plan();
    expect(p.exitCode, p.stderr).toBe(2);
    expect(p.stdout).toMatch(/alpha \(noop\)\n\s+failed: render failed: .*simulated failure/);
    expect(p.stdout).toMatch(/! to do: fix the cause, then bump spec.regenerate to render again \(costs \$0\.\d\d\)/);
    expect(p.stdout).toMatch(/No changes apply can make, but not every video matches its manifest: 1 video\(s\) need attention/);
    expect(p.stdout).not.toMatch(/No changes\. Videos match/);
    const j = JSON.parse((await plan(['--json'])).stdout);
    expect(j.summary.attention).toBe(1);
    expect(j.changes[0]).toMatchObject({ name: 'alpha', action: 'noop', attention: expect.stringMatching(/regenerate/) });
    const a = await w.apply();
    expect(a.stderr.startsWith(p.stdout), `apply's plan:\n${a.stderr}\nplan:\n${p.stdout}`).toBe(true);
  });

  it('a download given up by apply (stuck in Downloading) → download with the reason, exit 2', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    expect((await w.apply()).exitCode).toBe(0);
    rmSync(path.join(w.out, 'alpha.mp4'));
    editState('alpha', (v) => {
      v.phase = 'Downloading';
      v.outputs = [];
      v.message =
        'download failed 5 times (EACCES: permission denied); given up for this run — anything paid for is recorded, fix the cause and run apply again';
      // The fact apply records for a failed step (the warning rests on it, not on the message).
      v.conditions.push({
        type: 'StepFailing',
        status: 'True',
        reason: 'DownloadFailing',
        message: 'download failed: EACCES: permission denied',
        lastTransitionTime: v.updatedAt,
      });
    });
    const p = await plan();
    expect(p.exitCode).toBe(2);
    expect(p.stdout).toMatch(/alpha \(download\)\n\s+download stuck: download failed 5 times \(EACCES/);
    expect(p.stdout).toMatch(/! to do: fix the cause above, then run apply again: the render is paid for/);
    expect(p.stdout).toMatch(/Plan: 0 to create, 0 to replace, 1 to download, 0 to move, 0 to delete\./);
    const a = await w.apply();
    expect(a.stderr.startsWith(p.stdout)).toBe(true);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(w.sim.stats().accepted).toBe(1);
  });

  it('a file drifted beyond re-download (Drifted condition) → reason and what to do, exit 2; a file merely deleted → download', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha') + '---\n' + videoYaml('beta'));
    expect((await w.apply()).exitCode).toBe(0);
    writeFileSync(path.join(w.out, 'alpha.mp4'), 'edited by hand');
    rmSync(path.join(w.out, 'beta.mp4'));
    editState('alpha', (v) =>
      v.conditions.push({
        type: 'Drifted',
        status: 'True',
        reason: 'OutputDrifted',
        message: 'alpha.mp4 changed on disk and cannot be re-downloaded',
        lastTransitionTime: new Date().toISOString(),
      }),
    );
    const p = await plan();
    expect(p.exitCode).toBe(2);
    expect(p.stdout).toMatch(/alpha \(noop\)\n\s+drifted: alpha.mp4 changed on disk and cannot be re-downloaded\n\s+! to do: put the file back/);
    expect(p.stdout).toMatch(/beta \(download\)\n\s+output beta.mp4 missing/);
    expect(p.stdout).not.toContain(CANARY_KEY);
  });
});
