// `reelctl run --webhook-listen`: the simulator calls back when a render ends; the daemon confirms with
// getResponse before anything changes. Counts are taken on the simulator's side.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sample } from '../../src/provider/sim/video-files.js';
import { assertInvariants, readState, videoYaml, workspace, type Workspace } from './harness.js';
import { events, median, readyCount, runDaemon, until, wakeToDownloadMs, webhookFlags } from './webhook-harness.js';

let w: Workspace;
afterEach(async () => {
  await w?.close();
  rmSync(w.dir, { recursive: true, force: true });
});

const getResponses = () => w.sim.stats().byTaskType.getResponse ?? 0;

async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, text: await r.text() };
}

describe('run --webhook-listen (e2e against the simulator)', () => {
  it('20 videos: every one Ready, at most 1.2 getResponse per video, the webhook → download latency reported', async () => {
    w = await workspace({ latency: { minMs: 1000, maxMs: 2500 } });
    w.write('a.yaml', Array.from({ length: 20 }, (_, i) => videoYaml(`clip-${i}`)).join('---\n'));
    const d = runDaemon(w, [...webhookFlags, '--concurrency', '20']);
    const metrics = await d.metricsAddr;
    await until('20 videos ready', () => readyCount(w) === 20, 60_000);
    const perVideo = getResponses() / 20;
    const m = await (await fetch(`${metrics}/metrics`)).text();
    d.child.kill('SIGTERM');
    expect((await d.child).exitCode).toBe(0);
    const lat = wakeToDownloadMs(d.log(), events(w));
    console.log(`webhooks on, 20 videos: getResponse per video ${perVideo}, webhook → download start median ${median(lat)} ms (max ${Math.max(...lat)} ms)`);
    expect(perVideo).toBeLessThanOrEqual(1.2);
    expect(w.sim.webhooks().delivered).toBe(20);
    expect(lat.length).toBe(20);
    expect(m).toContain('reelctl_webhooks_received_total{result="woken"} 20');
    assertInvariants(w, { expectReady: 20 });
    expect(w.sim.stats().accepted).toBe(20);
  }, 90_000);

  it('wrong token → 401 and nothing changes; right token + forged videoURL/cost → the real render, byte for byte; a duplicate → one transition', async () => {
    w = await workspace({ latency: { minMs: 3000, maxMs: 3000 } });
    w.write('a.yaml', videoYaml('alpha'));
    // A server the forged call points at: it must never be asked for anything.
    let evilHits = 0;
    const evil = http.createServer((_q, s) => void (evilHits++, s.end('not a video')));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/evil.mp4`;
    try {
      const d = runDaemon(w, webhookFlags);
      const metrics = await d.metricsAddr;
      // Phases as the daemon holds them (/metrics): a Running transition is saved with the next write, not at once.
      const phase = async () => /reelctl_videos\{phase="(\w+)"\} 1/.exec(await (await fetch(`${metrics}/metrics`)).text())?.[1];
      const onDisk = () => {
        try {
          return readState(w.state).videos.alpha?.attempts[0]?.state;
        } catch {
          return undefined; // caught mid-rename
        }
      };
      await until('alpha submitted (recorded)', async () => onDisk() === 'accepted' && ['Submitted', 'Running'].includes((await phase()) ?? ''));

      const task = w.sim.tasks()[0]!;
      const hook = new URL(String(task.request.webhookURL));
      expect(hook.pathname).toBe('/hooks/runware/alpha');
      const forged = { taskType: 'videoInference', taskUUID: task.taskUUID, status: 'success', videoUUID: task.taskUUID, videoURL: evilUrl, cost: 999 };

      const polls = getResponses();
      const attemptsBefore = JSON.stringify(readState(w.state).videos.alpha.attempts);
      const wrong = new URL(hook);
      wrong.searchParams.set('token', 'x'.repeat(43));
      expect((await post(wrong.href, forged)).status).toBe(401);
      const missing = new URL(hook);
      missing.search = '';
      expect((await post(missing.href, forged)).status).toBe(401);
      expect((await post(hook.href, { data: 'x'.repeat(70 * 1024) })).status).toBe(413);
      expect(getResponses()).toBe(polls);
      expect(JSON.stringify(readState(w.state).videos.alpha.attempts)).toBe(attemptsBefore);

      // Right token, forged body, before the render is done: a getResponse says "processing", nothing changes.
      const early = await post(hook.href, forged);
      expect(early.status, early.text).toBe(202);
      await until('the confirmation ("processing")', async () => getResponses() > polls && (await phase()) === 'Running');
      expect(readState(w.state).videos.alpha.outputs).toEqual([]);

      // The simulator's own call at the end: Ready with the real bytes; the forged URL and cost were never used.
      await until('alpha ready', () => readyCount(w) === 1);
      const bytes = readFileSync(path.join(w.out, 'alpha.mp4'));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(createHash('sha256').update(sample('mp4')).digest('hex'));
      const alpha = readState(w.state).videos.alpha;
      expect(alpha.costUsd).toBeLessThan(1);

      // Duplicates after the end (the real body and the forged one): answered 2xx, no getResponse, no transition.
      const after = getResponses();
      for (const body of [forged, { ...forged, videoURL: readState(w.state).videos.alpha.attempts[0].results[0].videoURL }]) {
        const r = await post(hook.href, body);
        expect(r.status).toBe(200);
        expect(JSON.parse(r.text).result).toBe('duplicate');
      }
      // A task this state never sent: 2xx and ignored.
      expect(JSON.parse((await post(hook.href, { ...forged, taskUUID: '00000000-0000-4000-8000-000000000000' })).text).result).toBe('unknown');
      const m = await (await fetch(`${metrics}/metrics`)).text();
      d.child.kill('SIGTERM');
      expect((await d.child).exitCode).toBe(0);
      expect(getResponses()).toBe(after);
      expect(evilHits).toBe(0);
      const ev = events(w).filter((e) => e.name === 'alpha');
      expect(ev.filter((e) => e.type === 'ready')).toHaveLength(1);
      expect(ev.filter((e) => e.type === 'phase' && e.to === 'Downloading')).toHaveLength(1);
      for (const r of ['unauthorized"} 2', 'too_large"} 1', 'woken"} 2', 'duplicate"} 2', 'unknown"} 1'])
        expect(m).toContain(`reelctl_webhooks_received_total{result="${r}`);
      assertInvariants(w, { expectReady: 1 });
    } finally {
      await new Promise((r) => evil.close(r));
    }
  }, 60_000);

  it('the webhook URL unreachable (a closed port): every video still completes, by the safety poll', async () => {
    w = await workspace({ latency: { minMs: 300, maxMs: 800 } });
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    w.write('a.yaml', Array.from({ length: 5 }, (_, i) => videoYaml(`lost-${i}`)).join('---\n'));
    const d = runDaemon(w, [...webhookFlags, '--webhook-url', `http://127.0.0.1:${port}`, '--webhook-safety-poll', '2s']);
    await d.metricsAddr;
    await until('5 videos ready', () => readyCount(w) === 5, 60_000);
    d.child.kill('SIGTERM');
    expect((await d.child).exitCode).toBe(0);
    expect(w.sim.webhooks().delivered).toBe(0);
    expect(w.sim.webhooks().byStatus.network).toBeGreaterThanOrEqual(5);
    assertInvariants(w, { expectReady: 5 });
    expect(w.sim.stats().accepted).toBe(5);
  }, 90_000);

  it('token rotation: a render sent with the old token is still heard after a restart with the new one (previous, in its grace period)', async () => {
    w = await workspace({ latency: { minMs: 4000, maxMs: 4000 } });
    w.write('a.yaml', videoYaml('alpha'));
    const free = http.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));
    const flags = ['--webhook-listen', `127.0.0.1:${port}`];
    const [oldToken, newToken] = ['old-token-0123456789abcdef', 'new-token-0123456789abcdef'];
    const first = runDaemon(w, flags, { REELCTL_WEBHOOK_TOKEN: oldToken });
    await until('alpha submitted', () => w.sim.tasks().length === 1);
    expect(String(w.sim.tasks()[0]!.request.webhookURL)).toContain(`token=${oldToken}`);
    first.child.kill('SIGTERM');
    expect((await first.child).exitCode).toBe(0);
    const second = runDaemon(w, flags, { REELCTL_WEBHOOK_TOKEN: newToken, REELCTL_WEBHOOK_TOKEN_PREVIOUS: oldToken });
    await until('alpha ready', () => readyCount(w) === 1);
    second.child.kill('SIGTERM');
    expect((await second.child).exitCode).toBe(0);
    expect(second.log()).toMatch(/"result":"woken","token":"previous"/);
    expect(w.sim.webhooks().delivered).toBe(1);
    for (const t of [oldToken, newToken]) expect(first.log() + second.log()).not.toContain(t); // scrubbed from logs
    assertInvariants(w, { expectReady: 1 });
  }, 60_000);
});
