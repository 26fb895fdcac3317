// Poll rounds keep their cadence on a loaded machine (issue 19, makespan against the batched script): a
// round that waited for its slot counts the next slot from that slot, not from when its timer fired, so a
// timer's lateness is not added round after round; rounds are still never closer than one per roundMs on
// average.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { createProviderClient } from '../../src/provider/client/client.js';
import type { Provider } from '../../src/provider/types.js';

/** A clock whose every sleep ends `lateMs` after it was due (and moves time on by as much), at once. */
class LateClock implements Clock {
  t = 1000;
  constructor(private readonly lateMs: number) {}
  now = () => this.t;
  elapsed = () => this.t;
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) =>
      setImmediate(() => {
        this.t += Math.max(0, ms) + this.lateMs;
        resolve();
      }),
    );
  }
}

describe('poll rounds', () => {
  it('stay a round apart when every timer fires late: the lateness is not carried into the next slot', async () => {
    const clock = new LateClock(7);
    const sentAt: number[] = [];
    const provider: Provider = {
      submit: async () => [],
      poll: async (uuids) => {
        sentAt.push(clock.elapsed());
        return uuids.map((taskUUID) => ({ taskUUID, status: 'processing' as const }));
      },
      download: async () => {
        throw new Error('unused');
      },
    };
    const client = createProviderClient(provider, { clock, pollRoundMs: 30, submitRps: 1000 });
    // Each poll asked as soon as the last was answered: every round waits for its slot.
    for (let i = 0; i < 5; i++) expect((await client.poll('a')).status).toBe('processing');
    await client.close();
    const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]!);
    // The first waited slot is 7 ms late; after it, one round every 30 ms (counted from each timer: 37 each).
    expect(gaps).toEqual([37, 30, 30, 30]);
  });
});
