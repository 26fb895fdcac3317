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
    expect(runs).toEqual([
      ['a', 2000],
      ['b', 3000],
    ]);
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

describe('WorkQueue lanes', () => {
  /** A queue with `workers` workers whose handler waits for release(key); runs records the order keys started in. */
  function gated(workers: number) {
    const runs: string[] = [];
    const running = new Map<string, () => void>();
    const concurrent = new Map<string, number>();
    let maxPerKey = 0;
    const q = new WorkQueue(
      (key) => {
        runs.push(key);
        concurrent.set(key, (concurrent.get(key) ?? 0) + 1);
        maxPerKey = Math.max(maxPerKey, concurrent.get(key)!);
        return new Promise<void>((r) =>
          running.set(key, () => {
            running.delete(key);
            concurrent.set(key, concurrent.get(key)! - 1);
            r();
          }),
        );
      },
      systemClock,
      workers,
      { baseDelayMs: 1000 },
    );
    const release = async (key: string) => {
      running.get(key)!();
      await vi.advanceTimersByTimeAsync(0);
    };
    return { q, runs, running, release, maxPerKey: () => maxPerKey };
  }

  it('with 10,000 bulk keys queued, a priority add runs next, before every bulk key still waiting', async () => {
    const { q, runs, release } = gated(1);
    for (let i = 0; i < 10_000; i++) q.add(`bulk-${i}`);
    expect(runs).toEqual(['bulk-0']);
    q.add('edited', 'priority');
    await release('bulk-0');
    expect(runs).toEqual(['bulk-0', 'edited']);
    await release('edited');
    expect(runs.at(-1)).toBe('bulk-1'); // then the bulk lane carries on in order
    expect(q.depth()).toBe(10_000 - 1);
    void q.stop(); // a handler is left running on purpose: stop takes no more work
  });

  it('a priority add moves a queued bulk key up, once: coalesced, not run twice', async () => {
    const { q, runs, release } = gated(1);
    for (let i = 0; i < 100; i++) q.add(`k${i}`);
    q.add('k50', 'priority');
    q.add('k50'); // a later bulk add does not move it back down
    q.add('k50', 'priority');
    await release('k0');
    expect(runs).toEqual(['k0', 'k50']);
    for (let i = 0; i < 200 && q.depth() > 0; i++) {
      const key = runs.at(-1)!;
      await release(key);
    }
    expect(runs.filter((k) => k === 'k50')).toHaveLength(1);
    expect(runs).toHaveLength(100);
  });

  it('a priority add of a running key runs it once more after it returns, ahead of the bulk lane — never two at once', async () => {
    const { q, runs, release, maxPerKey } = gated(2);
    q.add('a');
    for (let i = 0; i < 50; i++) q.add(`bulk-${i}`);
    expect(runs).toEqual(['a', 'bulk-0']);
    q.add('a', 'priority');
    q.add('a', 'priority'); // coalesced with the one above
    q.add('a'); // and a bulk add does not demote it
    await release('bulk-0');
    expect(runs).toEqual(['a', 'bulk-0', 'bulk-1']); // 'a' is still running: not started twice
    await release('a');
    expect(runs).toEqual(['a', 'bulk-0', 'bulk-1', 'a']);
    expect(maxPerKey()).toBe(1);
    await release('a');
    expect(runs.filter((k) => k === 'a')).toHaveLength(2);
    void q.stop(); // a handler is left running on purpose: stop takes no more work
  });

  it('a delayed priority key keeps its delay; rate-limited failures back off the same in either lane', async () => {
    const runs: [string, number][] = [];
    const q = new WorkQueue(async (k) => void runs.push([k, Date.now() - T0]), systemClock, 1, { baseDelayMs: 1000 });
    q.addAfter('p', 2000, 'priority');
    q.addAfter('b', 1000);
    await drain(q);
    expect(runs).toEqual([
      ['b', 1000],
      ['p', 2000],
    ]);
    expect(q.addRateLimited('p')).toEqual({ kind: 'retry', failures: 1, delayMs: 1000 });
    await drain(q);
    expect(runs.at(-1)).toEqual(['p', 3000]);
  });
});
