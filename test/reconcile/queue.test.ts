// The work queue's rate limiter (controller-runtime's AddRateLimited / Forget / NumRequeues) on a fake
// clock: failure counts per key, doubling delays capped at MAX_RETRY_DELAY_MS, and apply's give-up limit.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { MAX_RETRY_DELAY_MS, WorkQueue, type RateLimited } from '../../src/reconcile/queue.js';

const T0 = Date.UTC(2026, 0, 1);
beforeEach(() => void vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] }));
afterEach(() => void vi.useRealTimers());

/** A queue whose handler fails every run of `key` (through `fail`), recording when each run happened. */
function failing(opts: { giveUpAfter?: number } = {}) {
  const runs: number[] = [];
  const scheduled: RateLimited[] = [];
  const q: WorkQueue = new WorkQueue(
    async (key) => {
      runs.push(Date.now() - T0);
      scheduled.push(q.addRateLimited(key)); // what the controller does with a 'failed' Result
    },
    systemClock,
    2,
    { baseDelayMs: 1000 },
  );
  if (opts.giveUpAfter !== undefined) q.giveUpAfter = opts.giveUpAfter;
  return { q, runs, scheduled };
}

async function drain(q: WorkQueue, steps = 100): Promise<void> {
  for (let i = 0; i < steps && q.depth() > 0; i++) await vi.advanceTimersToNextTimerAsync();
}

describe('WorkQueue rate limiting', () => {
  it('a failing key runs again after 1, 2, 4, 8 … s, capped at MAX_RETRY_DELAY_MS; without a limit it never gives up', async () => {
    const { q, runs, scheduled } = failing();
    q.add('a');
    for (let i = 0; i < 12; i++) await vi.advanceTimersToNextTimerAsync();
    const delays = scheduled.map((r) => (r.kind === 'retry' ? r.delayMs : -1));
    expect(delays.slice(0, 6)).toEqual([1000, 2000, 4000, 8000, 16000, 32000]);
    expect(delays.at(-1)).toBe(MAX_RETRY_DELAY_MS);
    expect(runs.slice(0, 4)).toEqual([0, 1000, 3000, 7000]); // each run is its delay after the last
    expect(q.numRequeues('a')).toBe(scheduled.length);
    expect(q.givenUp().size).toBe(0);
    await q.stop();
  });

  it('apply: the giveUpAfter-th consecutive failure gives the key up — not run again, reported by givenUp()', async () => {
    const { q, runs, scheduled } = failing({ giveUpAfter: 3 });
    q.add('a');
    await drain(q);
    expect(scheduled).toEqual([
      { kind: 'retry', failures: 1, delayMs: 1000 },
      { kind: 'retry', failures: 2, delayMs: 2000 },
      { kind: 'gave-up', failures: 3 },
    ]);
    expect(runs).toEqual([0, 1000, 3000]);
    expect([...q.givenUp()]).toEqual(['a']);
    expect(q.depth()).toBe(0);
  });

  it('forget: a key that did not fail starts its backoff over', () => {
    const q = new WorkQueue(async () => {}, systemClock, 1, { baseDelayMs: 500 });
    expect(q.addRateLimited('a')).toEqual({ kind: 'retry', failures: 1, delayMs: 500 });
    expect(q.addRateLimited('a')).toEqual({ kind: 'retry', failures: 2, delayMs: 1000 });
    expect(q.addRateLimited('b')).toEqual({ kind: 'retry', failures: 1, delayMs: 500 }); // counted per key
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
    expect(q.addRateLimited('a')).toEqual({ kind: 'retry', failures: 1, delayMs: 500 });
  });

  it('addAfter runs a key once its delay has passed; an earlier add wins over a later one', async () => {
    const runs: [string, number][] = [];
    const q = new WorkQueue(async (k) => void runs.push([k, Date.now() - T0]), systemClock, 2, { baseDelayMs: 1000 });
    q.addAfter('a', 5000);
    q.addAfter('a', 2000);
    q.addAfter('b', 3000);
    await drain(q);
    expect(runs).toEqual([['a', 2000], ['b', 3000]]);
  });

  it('a handler that throws is retried as a failure, and onError hears what the queue did', async () => {
    const heard: [string, string, RateLimited][] = [];
    let n = 0;
    const q = new WorkQueue(
      async () => {
        if (n++ < 2) throw new Error(`boom ${n}`);
      },
      systemClock,
      1,
      { baseDelayMs: 1000, onError: (k, err, r) => void heard.push([k, (err as Error).message, r]) },
    );
    q.add('a');
    await drain(q);
    expect(heard).toEqual([
      ['a', 'boom 1', { kind: 'retry', failures: 1, delayMs: 1000 }],
      ['a', 'boom 2', { kind: 'retry', failures: 2, delayMs: 2000 }],
    ]);
    expect(n).toBe(3);
  });
});
