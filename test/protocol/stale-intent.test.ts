// An intent made for an earlier request (the prompt was edited after a crash) is settled by a poll, and only
// a "not found" code drops it: a missing or malformed answer says nothing about whether the task landed.
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderClient } from '../../src/provider/types.js';
import { protocolRun, video, type ProtocolRun } from './harness.js';

let r: ProtocolRun | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('a stale intent', () => {
  it('is not dropped when getResponse sends no item for it: asked again, then followed under its own spec', async () => {
    r = await protocolRun();
    const first = await r.apply([video('a', { positivePrompt: 'take ZERO of a calm lake' })]);
    expect(first.summary.failed).toBe(0);
    // As after a crash right after the send: the task is accepted remotely, the state still holds the intent.
    const state = structuredClone(first.state);
    const v = state.videos.a!;
    const taskUUID = v.attempts[0]!.taskUUID;
    Object.assign(v.attempts[0]!, { state: 'intent', results: undefined, costUsd: undefined });
    Object.assign(v, { phase: 'Pending', outputs: [], costUsd: 0 });
    await r.store.write(state);
    let silent = 2;
    const noAnswerFirst = (c: ProviderClient): ProviderClient => ({
      ...c,
      poll: async (u, o) =>
        u === taskUUID && silent-- > 0
          ? { taskUUID: u, status: 'unknown', error: Object.assign(new Error('no item'), { code: 'no-answer' }) as never }
          : c.poll(u, o),
      watch: undefined,
    });
    const second = await r.apply([video('a', { positivePrompt: 'take ONE of a calm lake' })], noAnswerFirst);
    expect(silent).toBeLessThan(0); // the silence was met
    const old = second.state.videos.a!.attempts.find((x) => x.taskUUID === taskUUID)!;
    expect(old.state).not.toBe('abandoned');
    expect(old.error?.code).not.toBe('intent.request-changed');
    expect(r.sim.stats().accepted).toBe(2); // take ZERO once (adopted, not re-paid), take ONE once
    expect(second.state.videos.a!.phase).toBe('Ready');
  });
});
