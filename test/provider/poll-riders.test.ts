// Riders: watched tasks fill the room of poll rounds that are sent anyway, so a task whose own polls
// have backed off is still seen within one round — at no more than one extra request per round.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { ProviderError } from '../../src/errors.js';
import { createProviderClient } from '../../src/provider/client/client.js';
import type { PollOutcome, Provider } from '../../src/provider/types.js';

const fast = { backoff: { baseMs: 5, capMs: 50 }, submitRps: 1000, pollRoundMs: 30, breaker: { threshold: 1000, cooldownMs: 10 } };

/** A provider whose tasks are `processing` until put in `done`; it records every poll request. */
function scripted(opts: { refuseBatches?: boolean } = {}) {
  const done = new Set<string>();
  const calls: string[][] = [];
  let answered = 0;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  /** Resolves once `n` requests were sent (`answered`: and answered). An awaited event, not a sleep. */
  const until = (n: number, what: 'sent' | 'answered' = 'answered') =>
    new Promise<void>((resolve) => {
      const check = () => (what === 'sent' ? calls.length : answered) >= n && (listeners.delete(check), resolve());
      listeners.add(check);
      check();
    });
  let gate: Promise<void> | undefined;
  const provider: Provider = {
    submit: async () => [],
    async poll(uuids) {
      calls.push(uuids);
      notify();
      if (opts.refuseBatches && uuids.length > 1) {
        answered++;
        queueMicrotask(notify);
        throw new ProviderError('batched getResponse refused', { code: 'poll.batch-refused', kind: 'terminal', status: 400 });
      }
      if (gate) await gate;
      answered++;
      queueMicrotask(notify); // after the lane has taken the answer
      return uuids.map((u): PollOutcome =>
        done.has(u)
          ? { taskUUID: u, status: 'success', videos: [{ videoUUID: `v-${u}`, videoURL: `http://x/${u}.mp4` }] }
          : { taskUUID: u, status: 'processing' },
      );
    },
    download: async () => {
      throw new Error('unused');
    },
  };
  return { provider, done, calls, until, hold: (p: Promise<void> | undefined): void => void (gate = p) };
}

describe('poll riders', () => {
  it('a watched task rides along in another task’s round for free; finishing wakes it, and its next poll costs nothing', async () => {
    const s = scripted();
    const client = createProviderClient(s.provider, { ...fast, pollBatchSize: 10 });
    const woken: string[] = [];
    for (const u of ['a1', 'a2', 'a3']) client.watch!(u, () => woken.push(u));
    expect((await client.poll('b')).status).toBe('processing');
    expect(s.calls).toEqual([['b', 'a1', 'a2', 'a3']]); // one request
    s.done.add('a2');
    await client.poll('b');
    expect(s.calls).toHaveLength(2);
    expect(woken).toEqual(['a2']);
    const o = await client.poll('a2');
    expect(o.status).toBe('success');
    expect(s.calls).toHaveLength(2); // answered from the ride, no request
    await client.poll('b');
    expect(s.calls[2]).toEqual(['b', 'a1', 'a3']); // a settled rider stops riding
    await client.close();
  });

  it('adds at most one request of riders per round, and rotates them so every one gets its turn', async () => {
    const s = scripted();
    const client = createProviderClient(s.provider, { ...fast, pollBatchSize: 10 });
    const riders = Array.from({ length: 25 }, (_, i) => `r${i}`);
    for (const u of riders) client.watch!(u, () => undefined);
    await client.poll('b'); // b is answered by the first request of its round; the riders' request follows
    await s.until(2);
    expect(s.calls.map((c) => c.length)).toEqual([10, 10]); // b + 9 riders, then one extra full batch
    await client.poll('b');
    await s.until(4);
    expect(s.calls.map((c) => c.length)).toEqual([10, 10, 10, 10]);
    const seen = new Set(s.calls.flat());
    for (const u of riders) expect(seen.has(u)).toBe(true);
    expect(s.calls[2]!.slice(1, 7)).toEqual(riders.slice(19, 25)); // the ones left out ride first next time
    await client.close();
  });

  it('a rider found finished answers its own poll that joined the queue meanwhile, without waiting for the next round', async () => {
    const s = scripted();
    const clock = new FakeClock(); // the next round is 5 s of fake time away: it comes only if the test moves the clock
    const client = createProviderClient(s.provider, { ...fast, clock, pollRoundMs: 5_000, pollBatchSize: 10 });
    let woken = 0;
    client.watch!('a', () => woken++);
    s.done.add('a');
    let release!: () => void;
    s.hold(new Promise<void>((r) => (release = r)));
    const b = client.poll('b'); // starts a round that carries `a` as a rider
    await clock.advance(0);
    await s.until(1, 'sent');
    let got: string | undefined;
    const a = client.poll('a').then((o) => (got = o.status)); // its own poll arrives while the round is in flight
    release();
    s.hold(undefined);
    await b;
    await clock.advance(0); // settles what is ready; moves no time
    expect(got).toBe('success'); // answered by the ride, not by a round 5 s later
    await a;
    expect(s.calls).toEqual([['b', 'a']]);
    expect(woken).toBe(0); // its step is already waiting on the poll: nothing to wake
    await client.close();
  });

  it('takes no riders once the API refuses batches (they would cost one request each)', async () => {
    const s = scripted({ refuseBatches: true });
    const client = createProviderClient(s.provider, { ...fast, pollBatchSize: 10 });
    client.watch!('a', () => undefined);
    await client.poll('b'); // [b, a] refused → fallback: b alone
    const after = s.calls.length;
    await client.poll('b');
    expect(s.calls.slice(after)).toEqual([['b']]);
    await client.close();
  });

  it('unwatch stops a task riding along', async () => {
    const s = scripted();
    const client = createProviderClient(s.provider, { ...fast, pollBatchSize: 10 });
    client.watch!('a', () => undefined);
    client.unwatch!('a');
    await client.poll('b');
    expect(s.calls).toEqual([['b']]);
    await client.close();
  });
});
