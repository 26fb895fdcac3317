// Requests raced against the shutdown signal share ONE abort listener (a listener each made every call walk
// the signal's whole list: quadratic in the requests waiting at once — a daemon polls thousands per round).
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { raceAbort } from '../../src/provider/client/abort-race.js';
import { createProviderClient } from '../../src/provider/client/client.js';
import type { Provider } from '../../src/provider/types.js';

describe('raceAbort', () => {
  it('a thousand waiting calls add one abort listener; each settles with its own promise', async () => {
    const ac = new AbortController();
    const resolvers: ((v: number) => void)[] = [];
    const raced = Array.from({ length: 1000 }, (_, i) => raceAbort(ac.signal, new Promise<number>((r) => (resolvers[i] = r))));
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    resolvers.forEach((r, i) => r(i));
    expect(await Promise.all(raced)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    await expect(raceAbort(ac.signal, Promise.reject(new Error('its own error')))).rejects.toThrow('its own error');
  });

  it('an abort rejects every call still waiting with the signal’s reason, and a later call at once', async () => {
    const ac = new AbortController();
    const never = new Promise<never>(() => undefined);
    const done = raceAbort(ac.signal, Promise.resolve('answered'));
    const waiting = [raceAbort(ac.signal, never), raceAbort(ac.signal, never)];
    expect(await done).toBe('answered');
    const reason = new Error('stopping');
    ac.abort(reason);
    for (const w of waiting) await expect(w).rejects.toBe(reason);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0); // the one listener was `once`
    await expect(raceAbort(ac.signal, never)).rejects.toBe(reason);
    expect(await raceAbort(undefined, Promise.resolve(1))).toBe(1); // no signal: the promise itself
  });

  it('the client: a round of 500 polls and a batch of submits waiting on the run signal hold one listener', async () => {
    const held: (() => void)[] = [];
    let bothSent: () => void = () => undefined;
    const sent = new Promise<void>((r) => (bothSent = r));
    const hold = (answer: () => void) => {
      held.push(answer);
      if (held.length === 2) bothSent(); // one poll round and one submit batch
    };
    const provider: Provider = {
      submit: (tasks) => new Promise((r) => hold(() => r(tasks.map((t) => ({ taskUUID: t.taskUUID, status: 'accepted' as const }))))),
      poll: (uuids) => new Promise((r) => hold(() => r(uuids.map((u) => ({ taskUUID: u, status: 'processing' as const }))))),
      download: () => Promise.reject(new Error('unused')),
    };
    const client = createProviderClient(provider, { pollRoundMs: 1, submitWindowMs: 1 });
    const ac = new AbortController();
    const polls = Array.from({ length: 500 }, (_, i) => client.poll(`t${i}`, { signal: ac.signal }));
    const submits = Array.from({ length: 50 }, (_, i) =>
      client.submit({ taskUUID: `s${i}`, request: { model: 'm', positivePrompt: 'p' } as never }, { signal: ac.signal }),
    );
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    await sent;
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1); // still one, with every call in flight
    for (const h of held) h();
    expect((await Promise.all(polls)).every((o) => o.status === 'processing')).toBe(true);
    expect((await Promise.all(submits)).every((o) => o.status === 'accepted')).toBe(true);
    await client.close();
  });
});
