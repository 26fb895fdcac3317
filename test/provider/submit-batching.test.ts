// Submit batching (issue 19 item 6): submits made together travel in one array request, several batches may
// be in flight at once, and every task keeps its own UUID and its own outcome — whatever happens to the batch.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { ProviderError } from '../../src/errors.js';
import { createProviderClient, submitPacingFloorMs } from '../../src/provider/client/client.js';
import { createRunwareProvider } from '../../src/provider/runware/http-provider.js';
import { startSimulator } from '../../src/provider/sim/server.js';
import type { Provider, SubmitOutcome, VideoTask } from '../../src/provider/types.js';
import { task } from '../contracts/provider-contract.js';

const fast = { backoff: { baseMs: 5, capMs: 50 }, submitRps: 1000, pollRoundMs: 50, breaker: { threshold: 1000, cooldownMs: 10 } };

/** A provider whose submit requests wait until the test answers them; it records every request's UUIDs. */
function heldProvider() {
  const requests: { uuids: string[]; answer: (f: (tasks: VideoTask[]) => SubmitOutcome[] | Error) => void }[] = [];
  const open = new Set<number>();
  let maxOpen = 0;
  const provider: Provider = {
    submit: (tasks, o) =>
      new Promise((resolve, reject) => {
        const i = requests.length;
        open.add(i);
        maxOpen = Math.max(maxOpen, open.size);
        o?.signal?.addEventListener('abort', () => reject(o.signal!.reason), { once: true });
        requests.push({
          uuids: tasks.map((t) => t.taskUUID),
          answer: (f) => {
            open.delete(i);
            const r = f(tasks);
            if (r instanceof Error) reject(r);
            else resolve(r);
          },
        });
      }),
    poll: async (uuids) => uuids.map((u) => ({ taskUUID: u, status: 'processing' as const })),
    download: () => Promise.reject(new Error('unused')),
  };
  return { provider, requests, open, maxOpen: () => maxOpen };
}

const acceptAll = (tasks: VideoTask[]): SubmitOutcome[] => tasks.map((t) => ({ taskUUID: t.taskUUID, status: 'accepted' as const }));

async function until(clock: FakeClock, cond: () => boolean): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 1000) throw new Error('condition not met within 1000 fake steps');
    await clock.advance(1);
  }
}

describe('submit batching', () => {
  it('submits made within the window go out as ONE request carrying every task, each with its own outcome', async () => {
    const sim = await startSimulator({ latency: { minMs: 10_000, maxMs: 10_000 } });
    const client = createProviderClient(createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey }), fast);
    const good = Array.from({ length: 49 }, () => task());
    const bad = task({ height: undefined }); // refused on its own: the others are still accepted
    const outcomes = await Promise.all([...good, bad].map((t) => client.submit(t)));
    expect(sim.stats().requests).toBe(1);
    expect(sim.stats().byTaskType.videoInference).toBe(50);
    expect(outcomes.slice(0, 49).map((o) => [o.taskUUID, o.status])).toEqual(good.map((t) => [t.taskUUID, 'accepted']));
    expect(outcomes[49]).toMatchObject({ taskUUID: bad.taskUUID, status: 'rejected' });
    expect(sim.stats().accepted).toBe(49);
    await client.close();
    await sim.close();
  });

  it('at the default pacing, the last of 1,000 tasks is sent submitPacingFloorMs after the first (the bench floor is this pace)', async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const provider: Provider = {
      submit: async (tasks) => (starts.push(clock.elapsed()), acceptAll(tasks)),
      poll: async (uuids) => uuids.map((u) => ({ taskUUID: u, status: 'processing' as const })),
      download: () => Promise.reject(new Error('unused')),
    };
    const client = createProviderClient(provider, { clock }); // the daemon's defaults: 50 tasks a request, 2 requests/s, a burst of 10
    let answered = 0;
    const tasks = Array.from({ length: 1000 }, () => task());
    for (const t of tasks) void client.submit(t).then(() => answered++);
    for (let i = 0; answered < tasks.length; i++) {
      if (i > 10_000) throw new Error('not all answered within 100 fake seconds');
      await clock.advance(10);
    }
    expect(starts).toHaveLength(20);
    expect(submitPacingFloorMs(1000)).toBe(5000); // 20 requests: 10 at once, 10 more at 2 a second
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(submitPacingFloorMs(1000));
    expect(starts.at(-1)! - starts[0]!).toBeLessThanOrEqual(submitPacingFloorMs(1000) + 10); // one fake step
    expect(submitPacingFloorMs(10_000)).toBe(95_000);
    await client.close();
  });

  it('batches travel side by side, never more than submitConcurrency at once, and each task is answered once', async () => {
    const clock = new FakeClock();
    const h = heldProvider();
    const client = createProviderClient(h.provider, { ...fast, clock, submitBatchSize: 2, submitConcurrency: 2 });
    const tasks = Array.from({ length: 6 }, () => task());
    const outcomes = Promise.all(tasks.map((t) => client.submit(t)));
    await until(clock, () => h.requests.length === 2);
    await clock.advance(100);
    expect(h.requests.length).toBe(2); // the third batch waits for a free place
    h.requests[1]!.answer(acceptAll);
    await until(clock, () => h.requests.length === 3);
    h.requests[0]!.answer(acceptAll);
    h.requests[2]!.answer(acceptAll);
    const all = await outcomes;
    expect(all.map((o) => [o.taskUUID, o.status])).toEqual(tasks.map((t) => [t.taskUUID, 'accepted']));
    expect(h.maxOpen()).toBe(2);
    expect(h.requests.flatMap((r) => r.uuids).sort()).toEqual(tasks.map((t) => t.taskUUID).sort()); // each sent once
    await client.close();
  });

  it('batches the rate lets go start together once the window closes, without waiting a clock turn each', async () => {
    const clock = new FakeClock();
    const h = heldProvider();
    const client = createProviderClient(h.provider, { ...fast, clock, submitWindowMs: 25, submitBatchSize: 50, submitConcurrency: 4 });
    const tasks = Array.from({ length: 200 }, () => task());
    const outcomes = Promise.all(tasks.map((t) => client.submit(t)));
    // The window is the only wait: one step of the clock past it and all four batches are in flight (the
    // rate's burst holds them). Before, each batch after the first waited for a zero-length sleep of its own.
    await clock.advance(25);
    expect(h.requests.map((r) => r.uuids.length)).toEqual([50, 50, 50, 50]);
    for (const r of h.requests) r.answer(acceptAll);
    expect((await outcomes).every((o) => o.status === 'accepted')).toBe(true);
    await client.close();
  });

  it('submitsSettled resolves once every batch in flight when it was asked has been answered, with the clock then', async () => {
    const clock = new FakeClock();
    const h = heldProvider();
    const client = createProviderClient(h.provider, { ...fast, clock, submitWindowMs: 25, submitBatchSize: 50, submitConcurrency: 4 });
    expect(await client.submitsSettled!()).toBe(clock.elapsed()); // nothing in flight: at once
    const tasks = Array.from({ length: 150 }, () => task());
    const outcomes = tasks.map((t) => client.submit(t));
    await clock.advance(0);
    expect(h.requests).toHaveLength(3);
    h.requests[0]!.answer(acceptAll);
    await outcomes[0]; // the first batch's caller has its answer; two batches sent with it are still out
    let settledAt: number | undefined;
    const askedAt = clock.elapsed();
    void client.submitsSettled!().then((t) => (settledAt = t));
    await clock.advance(300);
    h.requests[2]!.answer(acceptAll);
    await clock.advance(200);
    expect(settledAt).toBeUndefined(); // the second batch is still unanswered
    h.requests[1]!.answer(acceptAll);
    await Promise.all(outcomes);
    await clock.advance(0);
    expect(settledAt).toBe(askedAt + 500); // the clock when the last of them was answered
    await client.close();
  });

  it('a full batch does not wait for the window: it goes at once; a partial one still waits the window out', async () => {
    const clock = new FakeClock();
    const h = heldProvider();
    const client = createProviderClient(h.provider, { ...fast, clock, submitWindowMs: 25, submitBatchSize: 50, submitConcurrency: 4 });
    const tasks = Array.from({ length: 200 }, () => task());
    const outcomes = Promise.all(tasks.map((t) => client.submit(t)));
    await clock.advance(0); // no time passes: only what is due now runs
    expect(h.requests.map((r) => r.uuids.length)).toEqual([50, 50, 50, 50]);
    for (const r of h.requests) r.answer(acceptAll);
    expect((await outcomes).every((o) => o.status === 'accepted')).toBe(true);
    await clock.advance(25); // the run above has ended (its window's timer, cancelled, changes nothing)

    const few = Array.from({ length: 10 }, () => task());
    const later = Promise.all(few.map((t) => client.submit(t)));
    await clock.advance(0);
    expect(h.requests).toHaveLength(4); // 10 of 50: the window is still open
    await clock.advance(25);
    expect(h.requests.map((r) => r.uuids.length)).toEqual([50, 50, 50, 50, 10]);
    h.requests[4]!.answer(acceptAll);
    expect((await later).every((o) => o.status === 'accepted')).toBe(true);
    await client.close();
  });

  it('a batch stops growing at submitMaxBytes of requests; a task larger than that travels alone', async () => {
    const clock = new FakeClock();
    const h = heldProvider();
    const client = createProviderClient(h.provider, { ...fast, clock, submitMaxBytes: 2000, submitConcurrency: 10 });
    const mid = Array.from({ length: 3 }, () => task({ positivePrompt: 'x'.repeat(800) })); // ~900 bytes each
    const huge = task({ positivePrompt: 'y'.repeat(5000) });
    const small = task();
    const all = [...mid, huge, small];
    const outcomes = Promise.all(all.map((t) => client.submit(t)));
    await until(clock, () => h.requests.length >= 3);
    expect(h.requests.slice(0, 3).map((r) => r.uuids)).toEqual([[mid[0]!.taskUUID, mid[1]!.taskUUID], [mid[2]!.taskUUID], [huge.taskUUID]]);
    await until(clock, () => h.requests.length >= 4);
    expect(h.requests[3]!.uuids).toEqual([small.taskUUID]);
    for (const r of h.requests) r.answer(acceptAll);
    expect((await outcomes).map((o) => o.status)).toEqual(all.map(() => 'accepted'));
    await client.close();
  });

  it('a batch answered only in part: the unanswered tasks are re-sent under their own UUIDs, never new ones', async () => {
    const clock = new FakeClock();
    const h = heldProvider();
    const client = createProviderClient(h.provider, { ...fast, clock, random: () => 0, submitBatchSize: 4 });
    const tasks = Array.from({ length: 4 }, () => task());
    const outcomes = Promise.all(tasks.map((t) => client.submit(t)));
    await until(clock, () => h.requests.length === 1);
    h.requests[0]!.answer((ts) => acceptAll(ts.slice(0, 2))); // no item at all for the last two
    await until(clock, () => h.requests.length === 2);
    expect(h.requests[1]!.uuids).toEqual([tasks[2]!.taskUUID, tasks[3]!.taskUUID]);
    h.requests[1]!.answer(acceptAll);
    expect((await outcomes).map((o) => [o.taskUUID, o.status])).toEqual(tasks.map((t) => [t.taskUUID, 'accepted']));
    await client.close();
  });

  it('an error for one whole batch (HTTP 503) re-sends that batch alone, same UUIDs, while the other batch is answered', async () => {
    const clock = new FakeClock();
    const h = heldProvider();
    const client = createProviderClient(h.provider, { ...fast, clock, random: () => 0, submitBatchSize: 2, submitConcurrency: 2 });
    const tasks = Array.from({ length: 4 }, () => task());
    const outcomes = Promise.all(tasks.map((t) => client.submit(t)));
    await until(clock, () => h.requests.length === 2);
    h.requests[0]!.answer(() => new ProviderError('HTTP 503 (stub)', { code: 'http.503', kind: 'transient', status: 503 }));
    h.requests[1]!.answer(acceptAll);
    await until(clock, () => h.requests.length === 3);
    expect(h.requests[2]!.uuids).toEqual(h.requests[0]!.uuids);
    h.requests[2]!.answer(acceptAll);
    expect((await outcomes).map((o) => [o.taskUUID, o.status])).toEqual(tasks.map((t) => [t.taskUUID, 'accepted']));
    await client.close();
  });

  it('closing the client mid-batch answers every task "unknown" (its intent is kept and re-sent later), none is left hanging', async () => {
    const clock = new FakeClock();
    const h = heldProvider();
    const client = createProviderClient(h.provider, { ...fast, clock, submitBatchSize: 2, submitConcurrency: 2 });
    const tasks = Array.from({ length: 6 }, () => task());
    const outcomes = Promise.all(tasks.map((t) => client.submit(t)));
    await until(clock, () => h.requests.length === 2);
    await client.close(); // two batches in flight, one still queued
    const all = await outcomes;
    expect(all.map((o) => [o.taskUUID, o.status])).toEqual(tasks.map((t) => [t.taskUUID, 'unknown']));
    expect(h.requests.length).toBe(2); // nothing new was sent after the close
  });

  it('polls every running task of a large run in ONE getResponse request per round', async () => {
    const sim = await startSimulator({ latency: { minMs: 10_000, maxMs: 10_000 } });
    const client = createProviderClient(createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey }), fast);
    const tasks = Array.from({ length: 250 }, () => task());
    await Promise.all(tasks.map((t) => client.submit(t)));
    const before = sim.stats().requests;
    const outcomes = await Promise.all(tasks.map((t) => client.poll(t.taskUUID)));
    expect(outcomes.every((o) => o.status === 'processing')).toBe(true);
    expect(sim.stats().requests - before).toBe(1);
    expect(sim.stats().byTaskType.getResponse).toBe(250);
    await client.close();
    await sim.close();
  });
});
