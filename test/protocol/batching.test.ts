// Taskless conflicts and batched getResponse, from the simulator in the variant that sends them: every
// video is accepted and finished exactly once, never Failed, with a bounded number of requests.
import { afterEach, describe, expect, it } from 'vitest';
import { createProviderClient } from '../../src/provider/client/client.js';
import { createRunwareProvider } from '../../src/provider/runware/http-provider.js';
import { startSimulator, type SimHandle } from '../../src/provider/sim/server.js';
import type { SimVariant } from '../../src/provider/sim/variants.js';
import { task } from '../contracts/provider-contract.js';
import { protocolRun, video, type ProtocolRun } from './harness.js';

let r: ProtocolRun | undefined;
let sim: SimHandle | undefined;
afterEach(async () => {
  await r?.close();
  await sim?.close();
  r = sim = undefined;
});

const fast = { backoff: { baseMs: 5, capMs: 50 }, submitRps: 1000, pollRoundMs: 1, breaker: { threshold: 1000, cooldownMs: 10 } };

describe('taskless conflictTaskUUID items are acceptances', () => {
  it('in a batch: the tasks it may cover are polled one by one and all found accepted; none Failed, none paid twice', async () => {
    sim = await startSimulator({ variants: ['taskless-conflicts'], latency: { minMs: 5000, maxMs: 5000 }, faults: { next: ['drop-after-accept'] } });
    const client = createProviderClient(createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey }), { ...fast, submitBatchSize: 4 });
    const tasks = Array.from({ length: 4 }, () => task());
    const outcomes = await Promise.all(tasks.map((t) => client.submit(t)));
    expect(outcomes).toEqual(tasks.map((t) => ({ taskUUID: t.taskUUID, status: 'accepted', alreadyAccepted: true })));
    expect(sim.stats().accepted).toBe(4);
    expect(sim.stats().conflicts).toBe(4);
    expect(sim.stats().byTaskType.getResponse).toBe(4); // one poll per task to attribute the conflicts
    await client.close();
  });

  it("in a one-task request it is that task's: accepted without a poll", async () => {
    sim = await startSimulator({ variants: ['taskless-conflicts'], faults: { next: ['drop-after-accept'] } });
    const client = createProviderClient(createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey }), fast);
    const t = task();
    expect(await client.submit(t)).toEqual({ taskUUID: t.taskUUID, status: 'accepted', alreadyAccepted: true });
    expect(sim.stats().byTaskType.getResponse ?? 0).toBe(0);
    await client.close();
  });

  it('reconciler: after a dropped answer every video is Ready exactly once', async () => {
    r = await protocolRun({ variants: ['taskless-conflicts'], faults: { next: ['drop-after-accept'] } });
    const { summary, state } = await r.apply(['a', 'b', 'c', 'd'].map((n) => video(n)));
    expect(summary).toMatchObject({ ready: 4, failed: 0 });
    expect(r.sim.stats().accepted).toBe(4);
    expect(
      Object.values(state.videos)
        .flatMap((v) => v.attempts)
        .map((a) => a.state),
    ).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
  });
});

/** 20 renders, polled together in 3 rounds (processing, processing, success) on the simulator's clock. */
async function pollRounds(variants: SimVariant[]) {
  let now = 1_000_000;
  sim = await startSimulator({ variants, latency: { minMs: 1000, maxMs: 1000 }, now: () => now });
  const client = createProviderClient(createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey }), { ...fast, submitBatchSize: 20 });
  const tasks = Array.from({ length: 20 }, () => task());
  await Promise.all(tasks.map((t) => client.submit(t)));
  const before = sim.stats().requests;
  const finished = new Map<string, number>();
  for (let round = 0; round < 3; round++, now += 500) {
    const outcomes = await Promise.all(tasks.map((t) => client.poll(t.taskUUID)));
    for (const o of outcomes) {
      expect(o.status).toBe(round < 2 ? 'processing' : 'success');
      if (o.status === 'success') finished.set(o.taskUUID, (finished.get(o.taskUUID) ?? 0) + o.videos.length);
    }
  }
  await client.close();
  return { perVideo: (sim.stats().requests - before) / tasks.length, finished: [...finished.values()] };
}

describe('batched getResponse is an optimisation, not an assumption', () => {
  // Requests per video for 3 poll rounds (docs/reliability.md quotes these figures).
  it('batches answered: 3 requests for 20 videos (0.15 per video)', async () => {
    const f = await pollRounds([]);
    expect(f.finished).toEqual(Array(20).fill(1));
    expect(f.perVideo).toBe(0.15);
  });

  it('poll-first-only: the unanswered are asked alone, then batching stops — 3 requests per video, each finished once', async () => {
    const f = await pollRounds(['poll-first-only']);
    expect(f.finished).toEqual(Array(20).fill(1));
    expect(f.perVideo).toBe(3); // round 1: 1 batch + 19 alone; rounds 2–3: 20 alone each
  });

  it('poll-batch-refused: one refusal, then one task per request — 3.05 requests per video, each finished once', async () => {
    const f = await pollRounds(['poll-batch-refused']);
    expect(f.finished).toEqual(Array(20).fill(1));
    expect(f.perVideo).toBe(3.05);
  });

  for (const variant of ['poll-first-only', 'poll-batch-refused'] as const) {
    it(`reconciler, ${variant}: six videos Ready exactly once`, async () => {
      r = await protocolRun({ variants: [variant] });
      const { summary } = await r.apply(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => video(n)));
      expect(summary).toMatchObject({ ready: 6, failed: 0 });
      expect(r.sim.stats().accepted).toBe(6);
      expect(r.sim.stats().downloads).toBe(6);
    });
  }
});
