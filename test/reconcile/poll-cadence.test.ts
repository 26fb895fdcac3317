// Polls keep their cadence (issue 19, makespan against the batched script): a render's next poll is due one
// poll delay after the last one was ASKED, not after its answer came back, so a slow API round trip does not
// push every later poll back by itself; and a fresh render is first polled one poll delay after its submit
// (each video's first step runs once, not again at once because both setDesired and runToCompletion queued it).
import { describe, expect, it, vi } from 'vitest';
import { POLL_MS, runSequence, video } from './scripted.js';

vi.mock('../../src/store/output-check.js', async (original) => {
  const mem = await import('./memory-disk.js');
  return { ...(await original<object>()), checkOutput: mem.checkOutput, inspectOutput: mem.inspectOutput, seenNow: mem.seenNow };
});

const polls = (calls: { op: string; at: number }[]) => calls.filter((c) => c.op === 'poll').map((c) => c.at);

describe('poll cadence', () => {
  it('a poll answered 1.5 s late does not delay the next one: polls are one poll delay apart from when each was asked', async () => {
    const slow = 1500;
    const { runs, calls, state } = await runSequence([{ videos: [video('a')], scripts: { a: { poll: [{ slow }, { slow }, { slow }, { success: 1 }] } } }]);
    expect(runs[0]!.summary?.ready).toBe(1);
    expect(state.videos.a!.phase).toBe('Ready');
    // Counted from each answer they would be POLL_MS + 1.5 s apart (5000, 11500, 18000, 24500).
    expect(polls(calls)).toEqual([POLL_MS, 2 * POLL_MS, 3 * POLL_MS, 4 * POLL_MS]);
  });

  it('a fresh render is polled first one poll delay after its submit, and each step of the first pass runs once', async () => {
    const { calls, passes } = await runSequence([{ videos: [video('a'), video('b')], scripts: { a: { poll: ['processing', { success: 1 }] } } }]);
    const submitted = calls.find((c) => c.op === 'submit' && c.name === 'a')!.at;
    expect(polls(calls.filter((c) => c.name === 'a'))).toEqual([submitted + POLL_MS, submitted + 2 * POLL_MS]);
    // a: submit, poll (processing), poll (success → download → Ready): three steps, not a fourth at once.
    expect(passes.filter((p) => p.name === 'a')).toHaveLength(3);
  });
});
