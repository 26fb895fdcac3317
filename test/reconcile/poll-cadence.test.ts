// Polls keep their cadence (issue 19, makespan against the batched script): a render's next poll is due one
// poll delay after the last one was ASKED, not after its answer came back, so a slow API round trip does not
// push every later poll back by itself; and a fresh render is first polled one poll delay after its submit
// (each video's first step runs once, not again at once because both setDesired and runToCompletion queued it),
// counted from when the submits sent alongside it were all answered — not from the end of the save that follows.
import { describe, expect, it, vi } from 'vitest';
import { TOGETHER_WAIT_MAX_MS } from '../../src/reconcile/poll-delay.js';
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

  it('a timer firing late does not push every later poll back by as much: polls stay a poll delay apart', async () => {
    // Every timer fires 7 ms late (a loaded event loop), so every poll is asked 7 ms after it was due.
    const timerLateMs = 7;
    const { calls, runs } = await runSequence([
      { videos: [video('a')], scripts: { a: { poll: ['processing', 'processing', 'processing', { success: 1 }] } }, timerLateMs },
    ]);
    expect(runs[0]!.summary?.ready).toBe(1);
    const at = polls(calls);
    expect(at).toHaveLength(4);
    // Counted from when each was asked, they would be POLL_MS + 7 ms apart: 7 ms later every round.
    expect(at.slice(1).map((t, i) => t - at[i]!)).toEqual([POLL_MS, POLL_MS, POLL_MS]);
  });

  it('a fresh render is polled first one poll delay after its submit, and each step of the first pass runs once', async () => {
    const { calls, passes } = await runSequence([{ videos: [video('a'), video('b')], scripts: { a: { poll: ['processing', { success: 1 }] } } }]);
    const submitted = calls.find((c) => c.op === 'submit' && c.name === 'a')!.at;
    expect(polls(calls.filter((c) => c.name === 'a'))).toEqual([submitted + POLL_MS, submitted + 2 * POLL_MS]);
    // a: submit, poll (processing), poll (success → download → Ready): three steps, not a fourth at once.
    expect(passes.filter((p) => p.name === 'a')).toHaveLength(3);
  });

  it('the first poll is due a poll delay after the submits sent alongside were all answered, not after the save that follows', async () => {
    const saveMs = 700; // every save, the intent's and Submitted's
    const settleMs = 300; // the last batch that travelled with this one is answered 300 ms after it
    const { calls, runs } = await runSequence([{ videos: [video('a')], scripts: { a: { poll: ['processing', { success: 1 }] } }, saveMs, settleMs }]);
    expect(runs[0]!.summary?.ready).toBe(1);
    const submitted = calls.find((c) => c.op === 'submit')!.at; // the scripted API answers a submit at once
    expect(submitted).toBe(saveMs); // after the intent's save
    // From the answer: submitted + POLL_MS (before the others' renders were accepted); from the end of the
    // Submitted save: submitted + saveMs + POLL_MS.
    expect(polls(calls)).toEqual([submitted + settleMs + POLL_MS, submitted + settleMs + 2 * POLL_MS]);
  });

  it('submits answered after the save are waited for, a little: a batch being retried for a minute does not hold the step', async () => {
    const saveMs = 100;
    const late = await runSequence([{ videos: [video('a')], scripts: { a: { poll: ['processing', { success: 1 }] } }, saveMs, settleMs: 400 }]);
    const submittedLate = late.calls.find((c) => c.op === 'submit')!.at;
    expect(polls(late.calls)[0]).toBe(submittedLate + 400 + POLL_MS); // 400 ms after the answer: still waited for
    const stuck = await runSequence([{ videos: [video('a')], scripts: { a: { poll: ['processing', { success: 1 }] } }, saveMs, settleMs: 60_000 }]);
    expect(stuck.runs[0]!.summary?.ready).toBe(1);
    const submitted = stuck.calls.find((c) => c.op === 'submit')!.at;
    // At most TOGETHER_WAIT_MAX_MS (or half the first poll delay) after the answer, then from then on.
    const waited = Math.min(TOGETHER_WAIT_MAX_MS, POLL_MS / 2);
    expect(polls(stuck.calls)).toEqual([submitted + waited + POLL_MS, submitted + waited + 2 * POLL_MS]);
    expect(stuck.passes.filter((p) => p.name === 'a')[0]!.at).toBe(submitted + waited); // not a minute
  });
});
