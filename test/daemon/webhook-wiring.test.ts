import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import type { LoadedVideo } from '../../src/manifest/model.js';
import type { PollOutcome, ProviderClient } from '../../src/provider/types.js';
import { quietController } from '../doubles/quiet-controller.js';
import type { StateFile } from '../../src/state/model.js';
import { createWebhookWiring, MIN_POLL_GAP_MS, PollGate, RenderTimes, safetyPollDelayMs, webhookURL } from '../../src/daemon/webhook/wiring.js';

const U1 = '11111111-1111-4111-8111-111111111111';

function fakeClient() {
  const polls: string[] = [];
  const c: ProviderClient = {
    submit: async (t) => ({ taskUUID: t.taskUUID, status: 'accepted' }),
    poll: async (u): Promise<PollOutcome> => (polls.push(u), { taskUUID: u, status: 'processing' }),
    download: async () => ({ status: 200, body: [] as unknown as AsyncIterable<Uint8Array> }),
    watch: () => undefined,
    unwatch: () => undefined,
    breakerOpen: false,
    stats: () => ({ requests: 0, byOutcome: {}, retries: 0 }),
    close: async () => undefined,
  };
  return { c, polls };
}

describe('safety poll schedule', () => {
  it('first look at 1.5× the typical render time, doubling, never more than the cap apart (nor under the gate)', () => {
    for (const r of [0, 0.5, 0.999]) {
      const random = () => r;
      const seq = Array.from({ length: 12 }, (_, n) => safetyPollDelayMs(n, random, { typicalMs: 10_000, capMs: 300_000 }));
      expect(seq[0]).toBeGreaterThanOrEqual(12_000);
      expect(seq[0]).toBeLessThanOrEqual(15_000);
      expect(Math.max(...seq)).toBeLessThanOrEqual(300_000);
      expect(seq.at(-1)).toBeGreaterThanOrEqual(240_000);
      expect(safetyPollDelayMs(0, random, { capMs: 300_000 })).toBeGreaterThanOrEqual(240_000); // nothing learnt yet: the cap
      expect(safetyPollDelayMs(0, random, { typicalMs: 1, capMs: 1000 })).toBeGreaterThanOrEqual(MIN_POLL_GAP_MS);
    }
  });

  it('the typical time is the median of recent renders, one sample per task', () => {
    const t = new RenderTimes();
    expect(t.typical()).toBeUndefined();
    t.add('a', 10);
    t.add('a', 1000); // a duplicate call for the same task
    t.add('b', 30);
    t.add('c', 20);
    expect(t.typical()).toBe(20);
    for (let i = 0; i < 60; i++) t.add(`x${i}`, 5);
    expect(t.typical()).toBe(5);
  });
});

describe('webhook wiring', () => {
  const video = (name: string, request: Record<string, unknown> = {}) =>
    ({ name, request: { model: 'm', positivePrompt: 'p', ...request } }) as unknown as LoadedVideo;

  it('adds webhookURL (name in the path, token as a query) to the wire request only; a manifest hook is kept', async () => {
    const w = createWebhookWiring({ baseUrl: 'https://hooks.example.com/reelctl/', token: 'tok/en+1', safetyPollMs: 60_000 }, silentLogger());
    const { c } = fakeClient();
    const o = w.overrides({ client: c, resolveRequest: async (v) => v.request, random: () => 0.5 });
    const v = video('alpha');
    const r = await o.resolveRequest(v);
    expect(r.webhookURL).toBe('https://hooks.example.com/reelctl/hooks/runware/alpha?token=tok%2Fen%2B1');
    expect(v.request.webhookURL).toBeUndefined(); // the desired request (and so the spec hash) never sees it
    expect(webhookURL('http://h', 'alpha', 't')).toBe('http://h/hooks/runware/alpha?token=t');
    expect((await o.resolveRequest(video('beta', { webhookURL: 'https://mine.example/x' }))).webhookURL).toBe('https://mine.example/x');
    expect(o.client.watch).toBeUndefined();
  });

  it('a hint wakes only a render in flight that this state sent; settled, unknown and odd names change nothing', async () => {
    const w = createWebhookWiring({ baseUrl: 'http://h', token: 't'.repeat(20), safetyPollMs: 60_000 }, silentLogger());
    const woken: string[] = [];
    const attempt = (taskUUID: string, state: string) => ({ taskUUID, state, createdAt: new Date(0).toISOString() });
    const state = {
      version: 2,
      serial: 1,
      lineage: 'l',
      videos: {
        alpha: { name: 'alpha', attempts: [attempt('old', 'abandoned'), attempt(U1, 'accepted')] },
        beta: { name: 'beta', attempts: [attempt('done', 'succeeded')] },
      },
    } as unknown as StateFile;
    // The real controller, seen only through its interface (HintedController); its wake is recorded.
    const { c } = fakeClient();
    const real = quietController(state, { client: c });
    const t = w.target({ attempt: real.attempt, isStopping: real.isStopping, wake: (n) => void woken.push(n) }, new FakeClock());
    expect(t.hint('alpha', U1)).toBe('woken');
    expect(t.hint('alpha', 'old')).toBe('duplicate');
    expect(t.hint('beta', 'done')).toBe('duplicate');
    expect(t.hint('beta', U1)).toBe('unknown'); // another video's task under this name
    for (const odd of ['__proto__', 'constructor', 'toString', 'gamma']) expect(t.hint(odd, U1)).toBe('unknown');
    await real.stop();
    expect(t.hint('alpha', U1)).toBe('unavailable');
    expect(woken).toEqual(['alpha']);
  });
});

describe('poll gate', () => {
  it('folds looks that come too soon after a submit or a look, unless a webhook hinted; unknown tasks are looked at', async () => {
    const clock = new FakeClock();
    const { c, polls } = fakeClient();
    const g = new PollGate(c, clock);
    await g.client.submit({ taskUUID: U1, request: {} });
    expect((await g.client.poll(U1)).status).toBe('processing');
    expect(polls).toEqual([]); // start-up queued the video twice: no request for the second step
    g.hint(U1);
    await g.client.poll(U1);
    expect(polls).toEqual([U1]);
    await g.client.poll(U1);
    expect(polls).toHaveLength(1);
    await clock.advance(MIN_POLL_GAP_MS);
    await g.client.poll(U1);
    expect(polls).toHaveLength(2);
    await g.client.poll('22222222-2222-4222-8222-222222222222'); // accepted before a restart
    expect(polls).toHaveLength(3);
    expect(g.client.watch).toBeUndefined();
  });
});
