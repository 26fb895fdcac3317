// Clock jumps (reliability.md fault matrix): setting the wall clock back or forward must not stall or
// rush anything — every interval is measured on the monotonic clock.
import { describe, expect, it } from 'vitest';
import { FakeClock, systemClock, type Clock } from '../src/clock.js';
import { Breaker } from '../src/provider/client/breaker.js';
import { WorkQueue } from '../src/reconcile/queue.js';

/** The real clock, with the wall clock set back an hour after the first call. */
function jumpingClock(): Clock {
  let calls = 0;
  return { ...systemClock, now: () => Date.now() - (calls++ > 0 ? 3_600_000 : 0) };
}

describe('clock jumps', () => {
  it('a delayed requeue still runs on time when the wall clock is set back', async () => {
    const ran: number[] = [];
    const t0 = performance.now();
    const q = new WorkQueue(async () => void ran.push(performance.now() - t0), jumpingClock(), 2, { baseDelayMs: 1000 });
    q.addAfter('a', 50);
    await q.idle();
    expect(ran).toHaveLength(1);
    expect(ran[0]).toBeLessThan(1000);
  });

  it('the breaker cool-down follows elapsed time, not the wall clock', () => {
    const clock = new FakeClock();
    const b = new Breaker(() => clock.elapsed(), 1, 1000);
    b.failure();
    expect(b.open).toBe(true);
    clock.jump(-3_600_000);
    expect(b.waitMs()).toBe(1000);
    clock.jump(7_200_000);
    expect(b.open).toBe(true);
  });
});
