// Failed, unknown and malformed answers, each from the simulator in the variant that sends it: the API's
// code and message reach the state; final codes are final; nothing outside the protocol loops or is stored.
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderClient } from '../../src/provider/types.js';
import { MAX_SENDS } from '../../src/reconcile/submit.js';
import { protocolRun, video, type ProtocolRun } from './harness.js';

let r: ProtocolRun | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('failed renders, in every documented shape', () => {
  for (const variant of ['nested-errors', 'toplevel-errors'] as const) {
    it(`${variant}: the API's code and message reach attempt.error and the video's message, never "[object Object]"`, async () => {
      r = await protocolRun({ variants: [variant], faults: { generationFailureRate: 1 } });
      const { summary, state } = await r.apply([video('a')]);
      expect(summary.failed).toBe(1);
      const v = state.videos.a!;
      expect(v.phase).toBe('Failed');
      expect(v.attempts[0]!.error).toEqual({ code: 'generationFailed', message: 'the model could not generate this video (simulated failure)' });
      expect(v.message).toBe('render failed: generationFailed: the model could not generate this video (simulated failure)');
      expect(JSON.stringify(state)).not.toContain('[object Object]');
    });
  }
});

describe('final codes are final for an acknowledged task', () => {
  it('task-failed-or-not-found: the attempt ends Failed with that reason at once, never re-sent', async () => {
    r = await protocolRun({ variants: ['task-failed-or-not-found'], faults: { generationFailureRate: 1 } });
    const { summary, state, requests } = await r.apply([video('a'), video('b')]);
    expect(summary.failed).toBe(2);
    for (const v of Object.values(state.videos)) {
      expect(v.attempts).toHaveLength(1);
      expect(v.attempts[0]).toMatchObject({ state: 'failed', sends: 1, error: { code: 'taskFailedOrNotFound' } });
      expect(v.message).toMatch(/^render failed: taskFailedOrNotFound: /);
    }
    expect(r.sim.stats().conflicts).toBe(0); // no re-send of the same UUID
    expect(requests).toBeLessThan(15);
  });

  it('"not found" for an acknowledged task re-sends the same UUID at most MAX_SENDS times, then waits with a condition (no new UUID)', async () => {
    r = await protocolRun();
    // A server that forgets every task it accepted: getResponse says taskNotFound, a re-send says conflict.
    const forgetful = (c: ProviderClient): ProviderClient => ({
      ...c,
      submit: (t, o) => c.submit(t, o),
      poll: async (u) => ({ taskUUID: u, status: 'unknown', error: Object.assign(new Error('no task'), { code: 'taskNotFound' }) as never }),
      watch: undefined,
      stats: c.stats,
      close: c.close,
      get breakerOpen() {
        return c.breakerOpen;
      },
    });
    const { summary, state } = await r.apply([video('a')], forgetful);
    const v = state.videos.a!;
    expect(v.attempts).toHaveLength(1);
    expect(v.attempts[0]).toMatchObject({ state: 'accepted', sends: MAX_SENDS });
    expect(v.phase).not.toBe('Failed');
    expect(v.conditions.find((c) => c.type === 'RemoteUnknown')).toMatchObject({ status: 'True', reason: 'TaskNotFound' });
    expect(v.message).toMatch(/given up for this run/);
    expect(r.sim.stats().accepted).toBe(1);
    expect(r.sim.stats().conflicts).toBe(MAX_SENDS - 1);
    expect(summary.failed).toBe(1); // apply ends (exit 1) instead of polling forever
  });
});

describe('answers outside the protocol (issue 17)', () => {
  it('unknown-status: reported with the raw value, bounded, never Failed, nothing paid twice', async () => {
    r = await protocolRun({ variants: ['unknown-status'] });
    const { summary, state } = await r.apply([video('a')]);
    const v = state.videos.a!;
    expect(summary.failed).toBe(1); // given up for the run: the next apply polls again
    expect(v.phase).not.toBe('Failed');
    expect(v.attempts).toHaveLength(1);
    expect(v.attempts[0]!.state).toBe('accepted');
    expect(v.conditions.find((c) => c.type === 'RemoteUnknown')).toMatchObject({
      reason: 'UnknownStatus',
      message: expect.stringContaining('unknown status "failed"'),
    });
    expect(r.sim.stats().accepted).toBe(1);
    expect(r.sim.stats().conflicts).toBe(0);
  });

  it('bad-cost: a cost of 1e304 is never stored; the field is named in the log and the condition', async () => {
    r = await protocolRun({ variants: ['bad-cost'] });
    const { state } = await r.apply([video('a')]);
    const v = state.videos.a!;
    expect(v.attempts[0]!.state).toBe('accepted');
    expect(v.attempts[0]!.results).toBeUndefined();
    expect(v.costUsd).toBe(0);
    expect(JSON.stringify(state)).not.toMatch(/":(null|1e\+?304)\b/); // the value appears only as text in the message
    expect(v.conditions.find((c) => c.type === 'RemoteUnknown')).toMatchObject({ reason: 'MalformedAnswer', message: expect.stringContaining('field "cost"') });
    expect(r.logs.some((l) => l.level === 40 && String(l.err).includes('field "cost"'))).toBe(true);
  });

  it('extra-results: two success items for numberResults 1 give one output and one cost, and one protocol warning', async () => {
    r = await protocolRun({ variants: ['extra-results'] });
    const { summary, state } = await r.apply([video('a')]);
    expect(summary.ready).toBe(1);
    const v = state.videos.a!;
    expect(v.outputs).toHaveLength(1);
    expect(v.attempts[0]!.results).toHaveLength(1);
    expect(v.costUsd).toBeCloseTo(0.084 * 3, 6);
    expect(r.logs.filter((l) => String(l.msg).startsWith('protocol error: Runware sent 2 results for numberResults 1'))).toHaveLength(1);
  });
});
