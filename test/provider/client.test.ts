import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { ProviderError } from '../../src/errors.js';
import { createProviderClient } from '../../src/provider/client/client.js';
import { pollScheduleMs } from '../../src/provider/client/backoff.js';
import { createFakeProvider } from '../doubles/fake-provider.js';
import { createRunwareProvider } from '../../src/provider/runware/http-provider.js';
import { startSimulator, type SimOptions } from '../../src/provider/sim/server.js';
import type { Provider } from '../../src/provider/types.js';
import { task } from '../contracts/provider-contract.js';

const fast = { backoff: { baseMs: 5, capMs: 50 }, submitRps: 1000, pollRoundMs: 50, breaker: { threshold: 1000, cooldownMs: 10 } };

async function withSim(opts: SimOptions, key?: string, timeoutMs = 2000) {
  const sim = await startSimulator({ latency: { minMs: 50, maxMs: 50 }, ...opts });
  const provider = createRunwareProvider({ baseUrl: sim.url, apiKey: key ?? sim.apiKey, timeoutMs });
  return { sim, provider };
}

describe('ProviderClient', () => {
  it('under 429, 503 and dropped connections every video is accepted exactly once', async () => {
    const { sim, provider } = await withSim({ faults: { next: ['429', 'drop-after-accept', '503', 'drop-before', '500', 'drop-after-accept', 'malformed'] } });
    const client = createProviderClient(provider, { ...fast, submitBatchSize: 4, maxAttempts: 10 });
    const tasks = Array.from({ length: 12 }, () => task());
    const outcomes = await Promise.all(tasks.map((t) => client.submit(t)));
    expect(outcomes.map((o) => o.status)).toEqual(tasks.map(() => 'accepted'));
    expect(sim.stats().accepted).toBe(12);
    expect(new Set(sim.tasks().map((t) => t.taskUUID))).toEqual(new Set(tasks.map((t) => t.taskUUID)));
    expect(sim.stats().conflicts).toBeGreaterThan(0); // re-sent under the same UUIDs after drops
    expect(client.stats().retries).toBeGreaterThan(0);
    await client.close();
    await sim.close();
  });

  it('a wrong key fails fast with a clear message and no retry storm', async () => {
    const { sim, provider } = await withSim({}, 'wrong-key-canary-123');
    const client = createProviderClient(provider, fast);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => client.submit(task())));
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      if (o.status === 'rejected') expect(o.error.message).toMatch(/rejected the API key \(HTTP 401\).*RUNWARE_API_KEY/);
    }
    const later = await client.submit(task());
    expect(later.status).toBe('rejected');
    await expect(client.poll(task().taskUUID)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(sim.stats().requests).toBe(1);
    await client.close();
    await sim.close();
  });

  it('polling 100 in-flight tasks takes one request per poll round', async () => {
    const { sim, provider } = await withSim({ latency: { minMs: 10_000, maxMs: 10_000 } });
    const client = createProviderClient(provider, { ...fast, submitBatchSize: 100 });
    const tasks = Array.from({ length: 100 }, () => task());
    await Promise.all(tasks.map((t) => client.submit(t)));
    const before = sim.stats().requests;
    for (let round = 0; round < 3; round++) {
      const outcomes = await Promise.all(tasks.map((t) => client.poll(t.taskUUID)));
      expect(outcomes.every((o) => o.status === 'processing')).toBe(true);
    }
    expect(sim.stats().requests - before).toBe(3);
    expect(sim.stats().byTaskType.getResponse).toBe(300);
    await client.close();
    await sim.close();
  });

  it('falls back to one task per request when the API refuses batched polls', async () => {
    const fake = createFakeProvider({ latencyMs: 0 });
    let refusals = 0;
    const picky: Provider = {
      ...fake,
      poll: async (uuids, o) => {
        if (uuids.length > 1) {
          refusals++;
          throw new ProviderError('batch refused', { code: 'poll.batch-refused', kind: 'terminal' });
        }
        return fake.poll(uuids, o);
      },
    };
    const client = createProviderClient(picky, fast);
    const tasks = [task(), task(), task()];
    await Promise.all(tasks.map((t) => client.submit(t)));
    for (let i = 0; i < 2; i++) {
      const outcomes = await Promise.all(tasks.map((t) => client.poll(t.taskUUID)));
      expect(outcomes.every((o) => o.status === 'success')).toBe(true);
    }
    expect(refusals).toBe(1);
    await client.close();
  });

  it('opens the breaker after a burst of submit failures, holds submits for its cool-down, and keeps polling meanwhile', async () => {
    // A FakeClock moves every pause of the lanes; the provider fails the first three submits with a 503.
    const clock = new FakeClock();
    let submits = 0;
    const polls: string[][] = [];
    const provider: Provider = {
      async submit(tasks) {
        if (++submits <= 3) throw new ProviderError('HTTP 503 (stub)', { code: 'http.503', kind: 'transient', status: 503 });
        return tasks.map((t) => ({ taskUUID: t.taskUUID, status: 'accepted' as const }));
      },
      async poll(uuids) {
        polls.push(uuids);
        return uuids.map((u) => ({ taskUUID: u, status: 'processing' as const }));
      },
      download: async () => {
        throw new Error('unused');
      },
    };
    const client = createProviderClient(provider, { ...fast, clock, random: () => 0, breaker: { threshold: 3, cooldownMs: 30_000 }, maxAttempts: 10 });
    const until = async (cond: () => boolean) => {
      for (let i = 0; !cond(); i++) {
        if (i > 1000) throw new Error('condition not met within 1000 fake steps');
        await clock.advance(5);
      }
    };
    let outcome: string | undefined;
    const p = client.submit(task()).then((o) => (outcome = o.status));
    await until(() => submits === 3);
    const openedAt = clock.elapsed();
    expect(client.breakerOpen).toBe(true);
    const polled = client.poll('t-1'); // polls are not held by the submit breaker
    await until(() => polls.length === 1);
    expect((await polled).status).toBe('processing');
    await clock.advance(30_000 - (clock.elapsed() - openedAt) - 5);
    expect(submits).toBe(3); // still cooling down: no submit sent
    expect(outcome).toBeUndefined();
    await until(() => submits === 4);
    expect(clock.elapsed() - openedAt).toBeGreaterThanOrEqual(30_000);
    await p;
    expect(outcome).toBe('accepted');
    await client.close();
  });

  it('honours Retry-After as a floor', async () => {
    const { sim, provider } = await withSim({ faults: { next: ['429'], retryAfterSec: 0.3 } });
    const client = createProviderClient(provider, fast);
    const t0 = Date.now();
    expect((await client.submit(task())).status).toBe('accepted');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    await client.close();
    await sim.close();
  });

  it('a response past the timeout is an unknown outcome resolved by re-sending the same UUID', async () => {
    const { sim, provider } = await withSim({ faults: { next: ['slow'], slowMs: 400 } }, undefined, 150);
    const client = createProviderClient(provider, fast);
    const t = task();
    const o = await client.submit(t);
    expect(o).toMatchObject({ taskUUID: t.taskUUID, status: 'accepted', alreadyAccepted: true });
    expect(sim.stats().accepted).toBe(1);
    await client.close();
    await sim.close();
  });

  it('poll schedule: the first poll one interval after acceptance, then a steady interval, never earlier', () => {
    const o = { firstMs: 2000, everyMs: 2000 };
    expect([0, 1, 2, 20].map((n) => pollScheduleMs(n, o))).toEqual([2000, 2000, 2000, 2000]);
    // a first poll at the expected render time, then the interval
    expect([0, 1, 5].map((n) => pollScheduleMs(n, { firstMs: 30_000, everyMs: 2000 }))).toEqual([30_000, 2000, 2000]);
  });
});
