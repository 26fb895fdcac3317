import { execa } from 'execa';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { videoYaml, workspace, type Workspace, readState } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

const state = (w: Workspace) => readState(w.state);

describe('apply: superseding a render in flight', () => {
  it('--supersede wait (default) finishes the old render, keeps it as previous, then renders the new spec', async () => {
    w = await workspace({ latency: { minMs: 600, maxMs: 600 } });
    w.write('a.yaml', videoYaml('alpha', 'first prompt here'));
    const crashed = await w.apply([], { REELCTL_FAILPOINT: 'after-submit-persisted:crash' });
    expect(crashed.signal).toBe('SIGKILL');
    const oldHash = state(w).videos.alpha.specHash;
    w.write('a.yaml', videoYaml('alpha', 'second prompt here'));
    const r = await w.apply();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(w.sim.stats().accepted).toBe(2);
    const s = state(w).videos.alpha;
    expect(s.previous.specHash).toBe(oldHash);
    expect(s.attempts.map((a: { state: string }) => a.state)).toEqual(['succeeded', 'succeeded']);
    expect(JSON.parse(readFileSync(path.join(w.out, 'alpha.mp4.json'), 'utf8')).request.positivePrompt).toBe('second prompt here');
  });

  it('--supersede abandon stops waiting for the old render', async () => {
    w = await workspace({ latency: { minMs: 600, maxMs: 600 } });
    w.write('a.yaml', videoYaml('alpha', 'first prompt here'));
    await w.apply([], { REELCTL_FAILPOINT: 'after-submit-persisted:crash' });
    w.write('a.yaml', videoYaml('alpha', 'second prompt here'));
    const r = await w.apply(['--supersede', 'abandon']);
    expect(r.exitCode, r.stderr).toBe(0);
    const s = state(w).videos.alpha;
    expect(s.attempts.map((a: { state: string }) => a.state)).toEqual(['abandoned', 'succeeded']);
    expect(w.sim.stats().downloads).toBe(1);
  });
});

describe('apply: provenance, suspend and drift', () => {
  it('records the git commit of the manifest in the sidecar', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const git = (...a: string[]) => execa('git', ['-C', w.dir, ...a]);
    await git('init', '-q');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', 'manifests');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'manifests');
    const head = (await git('rev-parse', 'HEAD')).stdout.trim();
    rmSync(path.join(w.dir, '.gitignore'), { force: true });
    expect((await w.apply()).exitCode).toBe(0);
    const side = JSON.parse(readFileSync(path.join(w.out, 'alpha.mp4.json'), 'utf8'));
    expect(side.manifest.gitCommit).toBe(head);
    expect(side).toMatchObject({ name: 'alpha', bytes: expect.any(Number), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('a suspended video is never submitted and reported as Suspended', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha', undefined, '  suspend: true\n'));
    const r = await w.apply(['--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).videos[0]).toMatchObject({ name: 'alpha', phase: 'Suspended' });
    expect(w.sim.stats().requests).toBe(0);
  });

  it('an output deleted by hand after its URL expired is reported as drifted, never re-rendered', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    expect((await w.apply()).exitCode).toBe(0);
    rmSync(path.join(w.out, 'alpha.mp4'));
    w.sim.setFaults({ expireUrls: true });
    const r = await w.apply(['--json']);
    expect(r.exitCode).toBe(1);
    const v = JSON.parse(r.stdout).videos[0];
    expect(v.message).toMatch(/expired.*regenerate/);
    expect(state(w).videos.alpha.conditions.find((c: { type: string }) => c.type === 'Drifted')).toMatchObject({ status: 'True', reason: 'DownloadExpired' });
    expect(w.sim.stats().accepted).toBe(1);
  });
});

describe('apply: concurrency', () => {
  // Regression: waking videos that waited for a slot once lost some of them (they re-queued while the
  // wait list was being cleared), leaving them Pending forever.
  it('renders every video when there are more videos than slots', async () => {
    w = await workspace();
    w.write('a.yaml', ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => videoYaml(n)).join('---\n'));
    const r = await w.apply(['--concurrency', '2']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Apply complete: 7 ready/);
    expect(w.sim.stats().accepted).toBe(7);
  });
});

describe('apply: renamed or moved manifests', () => {
  it('a manifest renamed and moved to a subdirectory is the same video: no new submission', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    expect((await w.apply()).exitCode).toBe(0);
    const { renameSync, mkdirSync } = await import('node:fs');
    mkdirSync(path.join(w.manifests, 'moved'));
    renameSync(path.join(w.manifests, 'a.yaml'), path.join(w.manifests, 'moved', 'renamed.yaml'));
    const r = await w.apply();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(w.sim.stats().accepted).toBe(1);
    expect(state(w).videos.alpha.manifest.file).toMatch(/moved\/renamed\.yaml$/);
  });
});
