// Where results go and what they look like: an uploadEndpoint delivery never hangs a video; the
// simulator's clips follow the request (aspect ratio, audio only with sound: true); 408 is transient.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/paths.js';
import { createPlan } from '../../src/plan/planner.js';
import { createProviderClient } from '../../src/provider/client/client.js';
import { createRunwareProvider } from '../../src/provider/runware/http-provider.js';
import { startSimulator, type SimHandle } from '../../src/provider/sim/server.js';
import { task } from '../contracts/provider-contract.js';
import { walk } from '../../bench/stress/invariants.js';
import { protocolRun, video, type ProtocolRun } from './harness.js';

let r: ProtocolRun | undefined;
let sim: SimHandle | undefined;
afterEach(async () => {
  await r?.close();
  await sim?.close();
  r = sim = undefined;
});

describe('uploadEndpoint', () => {
  it('upload-no-url: a success without videoURL makes the video Ready, "delivered to uploadEndpoint", no file, the signature never stored', async () => {
    r = await protocolRun({ variants: ['upload-no-url'] });
    const v = video('a', { uploadEndpoint: 'https://uploads.example.com/bucket/a.mp4?X-Amz-Signature=s3cr3t' });
    const { summary, state } = await r.apply([v]);
    expect(summary).toMatchObject({ ready: 1, failed: 0 });
    const s = state.videos.a!;
    expect(s.phase).toBe('Ready');
    expect(s.message).toBe('delivered to uploadEndpoint (https://uploads.example.com/bucket/a.mp4); no local file');
    expect(s.attempts[0]!.results).toEqual([expect.objectContaining({ deliveredTo: 'https://uploads.example.com/bucket/a.mp4' })]);
    expect(s.outputs).toEqual([]);
    expect(walk(r.out)).toEqual([]);
    expect(JSON.stringify(state)).not.toContain('s3cr3t');
    // At rest: the plan has nothing to do, and another apply neither downloads nor polls.
    expect(createPlan([v], state, {}).changes[0]).toMatchObject({ action: 'noop', reason: 'delivered to uploadEndpoint (no local file)' });
    const again = await r.apply([v]);
    expect(again.summary).toMatchObject({ ready: 1, failed: 0 });
    expect(again.requests).toBe(0);
  });
});

describe('simulator clips follow the request', () => {
  const cases = [
    { req: { width: 1280, height: 720 }, clip: '16x9' },
    { req: { width: 720, height: 1280, providerSettings: { klingai: { sound: true } } }, clip: '9x16-audio' },
    { req: { width: 960, height: 960, providerSettings: { klingai: { sound: false } } }, clip: '1x1' },
    { req: { width: 960, height: 960, outputFormat: 'WEBM', providerSettings: { klingai: { sound: true } } }, clip: '1x1-audio', ext: 'webm' },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.req)} → ${c.clip}.${c.ext ?? 'mp4'}`, async () => {
      sim = await startSimulator({ latency: { minMs: 0, maxMs: 0 } });
      const p = createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey });
      const t = task(c.req);
      await p.submit([t]);
      const [o] = await p.poll([t.taskUUID]);
      if (o?.status !== 'success') throw new Error(`not finished: ${JSON.stringify(o)}`);
      const dl = await p.download(o.videos[0]!.videoURL!);
      const parts: Buffer[] = [];
      for await (const b of dl.body) parts.push(Buffer.from(b));
      expect(Buffer.concat(parts).equals(readFileSync(packagePath('assets', 'samples', `${c.clip}.${c.ext ?? 'mp4'}`)))).toBe(true);
    });
  }

  it('the silent clips have no audio track, the -audio ones have one (MP4 handler types)', () => {
    const handlers = (f: string) =>
      (
        readFileSync(packagePath('assets', 'samples', f))
          .toString('latin1')
          .match(/hdlr.{8}(vide|soun)/g) ?? []
      ).map((h) => h.slice(-4));
    expect(handlers('16x9.mp4')).toEqual(['vide']);
    expect(handlers('16x9-audio.mp4').sort()).toEqual(['soun', 'vide']);
  });
});

describe('HTTP 408', () => {
  it('is transient: retried under the same UUID, accepted once', async () => {
    sim = await startSimulator({ faults: { next: ['408'] } });
    const client = createProviderClient(createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey }), {
      backoff: { baseMs: 5, capMs: 50 },
      submitRps: 1000,
    });
    const t = task();
    expect(await client.submit(t)).toMatchObject({ taskUUID: t.taskUUID, status: 'accepted' });
    expect(client.stats().retries).toBe(1);
    expect(sim.stats().accepted).toBe(1);
    await client.close();
  });
});
