import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from './daemon-process.js';
import { CANARY_KEY, until, videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

describe('reelctl run (daemon)', () => {
  it('renders a newly added manifest, ignores editor files, keeps the last good set on a bad save, and stops on SIGTERM', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const d = startDaemon(w);
    const addr = await d.address(15_000);
    await until('alpha ready', () => existsSync(path.join(w.out, 'alpha.mp4')), 15_000, 100);
    expect((await fetch(`http://${addr}/healthz`)).status).toBe(200);
    expect((await fetch(`http://${addr}/readyz`)).status).toBe(200);

    writeFileSync(path.join(w.manifests, '.b.yaml.swp'), 'garbage');
    writeFileSync(path.join(w.manifests, 'b.yaml~'), 'garbage');
    writeFileSync(path.join(w.manifests, '4913'), '');
    const savedAt = Date.now();
    w.write('b.yaml', videoYaml('beta'));
    await until('beta submitted', () => w.sim.stats().accepted === 2, 15_000, 100);
    const saveToSubmitMs = Date.now() - savedAt;
    expect(saveToSubmitMs).toBeLessThan(5000); // the bench measures the ≤ 500 ms target; this only bounds it
    await until('beta ready', () => existsSync(path.join(w.out, 'beta.mp4')), 15_000, 100);

    w.write('b.yaml', videoYaml('Beta-Bad'));
    await until('the located problem in the log', () => /b\.yaml:4:9: metadata\.name/.test(d.log()), 15_000, 100);
    const ready = (await (await fetch(`http://${addr}/readyz`)).json()) as { conditions: { ManifestsValid: { status: string; problems: string[] } } };
    expect(ready.conditions.ManifestsValid.status).toBe('False');
    expect(ready.conditions.ManifestsValid.problems.join('\n')).toMatch(/b\.yaml:4:9: metadata\.name/);
    expect(w.sim.stats().accepted).toBe(2);

    const metrics = await (await fetch(`http://${addr}/metrics`)).text();
    for (const m of [
      'reelctl_videos{phase="Ready"} 2',
      'reelctl_submissions_total 2',
      'reelctl_queue_depth',
      'reelctl_api_requests_total',
      'reelctl_manifest_load_errors_total 1',
      'reelctl_reconcile_duration_seconds_bucket',
    ])
      expect(metrics).toContain(m);
    expect(metrics).not.toContain(CANARY_KEY);
    expect(d.log()).not.toContain(CANARY_KEY);

    const t0 = Date.now();
    d.child.kill('SIGTERM');
    const r = await d.child;
    expect(r.exitCode).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('SIGTERM mid-render exits 0 and the next start picks the task up without a new submission', async () => {
    w = await workspace({ latency: { minMs: 2500, maxMs: 2500 } });
    w.write('a.yaml', videoYaml('alpha'));
    const d = startDaemon(w);
    await d.address(15_000);
    await until('alpha submitted', () => w.sim.stats().accepted === 1, 15_000, 100);
    d.child.kill('SIGTERM');
    expect((await d.child).exitCode).toBe(0);
    const again = await w.apply();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(w.sim.stats().accepted).toBe(1);
    expect(existsSync(path.join(w.out, 'alpha.mp4'))).toBe(true);
  });
});
