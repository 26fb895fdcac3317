// Every reconcile transition, table-driven, in-process (issue 18 item 4): the real controller with a
// scripted provider and fake timers (scripted.ts). Each row is one or more apply-like runs over one state
// store; a 'hang' answer is a crash there, and the next run recovers from what the store holds.
// Times are fake milliseconds since the run started. Note the first step of a run runs twice at once
// (setDesired and runToCompletion both queue every video, the second coalesced behind the first), so the
// first poll follows the submit at once and the first retry of a submit is immediate; the cadence after
// that is retryDelayMs (unknown submit), POLL_MS (running), and doubling backoff (failed steps).
import { describe, expect, it, vi } from 'vitest';
import type { ApplySummary } from '../../src/reconcile/controller-api.js';
import type { AttemptState, CostSource, Phase } from '../../src/state/model.js';
import { POLL_MS, RETRY_MS, runSequence, video, type Call, type RunSpec } from './scripted.js';

vi.mock('../../src/store/output-check.js', async (original) => ({ ...(await original<object>()), checkOutput: (await import('./memory-disk.js')).checkOutput }));

// After every reconcile step, the phase the reconciler stored must be the one derived from the record's
// facts (state/phase.ts, issue 18): the stored phase is a cache of derivePhase, never an input.
const steps = vi.hoisted(() => [] as { name: string; stored: string; derived: string }[]);
vi.mock('../../src/reconcile/step.js', async (original) => {
  const m = await original<typeof import('../../src/reconcile/step.js')>();
  const { derivePhase } = await import('../../src/state/phase.js');
  return {
    ...m,
    reconcileVideo: async (...args: Parameters<typeof m.reconcileVideo>) => {
      const r = await m.reconcileVideo(...args);
      const [, run, name] = args;
      const v = run.state.videos[name];
      if (v) steps.push({ name, stored: v.phase, derived: derivePhase(v, { suspend: run.desired.get(name)?.suspend }) });
      return r;
    },
  };
});

const a = video('a');
const b = video('b');
const c = video('c');
const d = video('d');

interface Expect {
  phase: Record<string, Phase>;
  /** Attempt states per video, oldest first. */
  attempts?: Record<string, AttemptState[]>;
  /** The last run's summary (subset), or the error it threw. */
  summary?: Partial<ApplySummary>;
  error?: RegExp;
  /** Fake ms (since its run started) of each call of `op` for video a, across runs. */
  times?: Partial<Record<Call['op'], number[]>>;
  /** Submit calls per video, and distinct task UUIDs sent per video (a new UUID means paying again). */
  submits?: Record<string, number>;
  uuids?: Record<string, number>;
  outputs?: Record<string, number>;
  costUsd?: Record<string, number>;
  message?: Record<string, RegExp>;
  condition?: Record<string, string>;
  /** Where each video's settled cost came from (the API, or the reservation as an estimate). */
  costSource?: Record<string, CostSource>;
  /** The earlier runs complete (a manifest edit between runs) instead of ending at a 'hang'. */
  completed?: true;
}
type Row = [name: string, runs: RunSpec[], expect: Expect];

const rows: Row[] = [
  ['happy path: submit, processing, success, download → Ready', [{ videos: [a], scripts: { a: { poll: ['processing', { success: 1 }] } } }],
    { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, summary: { ready: 1, submitted: 1, spentUsd: 0.42 }, times: { submit: [0], poll: [0, POLL_MS], download: [POLL_MS] }, outputs: { a: 1 }, costUsd: { a: 0.42 }, costSource: { a: 'api' } }],
  ['failure: the render fails remotely → Failed with the API reason, nothing charged, never re-sent', [{ videos: [a], scripts: { a: { poll: [{ failed: 'generationFailed' }] } } }],
    { phase: { a: 'Failed' }, attempts: { a: ['failed'] }, summary: { failed: 1 }, submits: { a: 1 }, costUsd: { a: 0 }, costSource: { a: 'api' }, message: { a: /render failed: generationFailed/ } }],
  ['failure: submit refused (invalid parameter) → Failed at once', [{ videos: [a], scripts: { a: { submit: [{ rejected: 'invalidPositivePrompt' }] } } }],
    { phase: { a: 'Failed' }, attempts: { a: ['failed'] }, submits: { a: 1 }, message: { a: /refused the task: invalidPositivePrompt/ } }],
  ['fatal: insufficientCredits stops the whole run; nothing else is submitted', [{ videos: [a, b], concurrency: 1, scripts: { a: { submit: [{ rejected: 'insufficientCredits' }] }, b: { submit: [{ rejected: 'insufficientCredits' }] } } }],
    { phase: {}, error: /insufficientCredits/, submits: { a: 1, b: 0 } }],
  ['retry: unknown submit outcomes re-send the SAME task UUID every retryDelay until accepted', [{ videos: [a], scripts: { a: { submit: ['unknown', 'unknown', 'unknown', 'accepted'] } } }],
    { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 4 }, uuids: { a: 1 }, times: { submit: [0, 0, RETRY_MS, 2 * RETRY_MS] } }],
  ['retry: a download reset is retried with backoff, then succeeds (one render paid)', [{ videos: [a], scripts: { a: { download: ['reset', 'reset', 'ok'] } } }],
    { phase: { a: 'Ready' }, submits: { a: 1 }, times: { download: [0, RETRY_MS, 3 * RETRY_MS] }, outputs: { a: 1 } }],
  ['unknown outcome: polls with no usable answer back off, then give up for the run; the render is kept, never re-bought', [{ videos: [a], scripts: { a: { poll: [{ unknown: 'no-answer' }] } } }],
    { phase: { a: 'Submitted' }, attempts: { a: ['accepted'] }, summary: { failed: 1, ready: 0 }, submits: { a: 1 }, times: { poll: [0, RETRY_MS, 3 * RETRY_MS, 7 * RETRY_MS, 15 * RETRY_MS] }, condition: { a: 'NoAnswer' } }],
  ['conflict: conflictTaskUUID on submit means accepted earlier → polled, never re-bought', [{ videos: [a], scripts: { a: { submit: ['conflict'] } } }],
    { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 1 }, uuids: { a: 1 } }],
  ['conflict: "not found" for an acknowledged task re-sends the same UUID; its conflict confirms it', [{ videos: [a], scripts: { a: { submit: ['accepted', 'conflict'], poll: [{ unknown: 'taskNotFound' }, { success: 1 }] } } }],
    { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 2 }, uuids: { a: 1 } }],
  ['partial results: fewer than numberResults is still running; all of them are downloaded', [{ videos: [video('a', {}, { numberResults: 2 })], scripts: { a: { poll: [{ success: 1 }, { success: 2 }] } } }],
    { phase: { a: 'Ready' }, outputs: { a: 2 }, times: { poll: [0, POLL_MS] } }],
  ['expiry: the download URL expired → Failed with DownloadExpired; nothing re-rendered (that costs money)', [{ videos: [a], scripts: { a: { download: ['expired'] } } }],
    { phase: { a: 'Failed' }, attempts: { a: ['succeeded'] }, submits: { a: 1 }, outputs: { a: 0 }, condition: { a: 'DownloadExpired' }, message: { a: /expired before download/ } }],
  ['budget stop: reservations count at once; exactly the cap fits, the next render is refused', [{ videos: [a, b, c, d], maxCostUsd: 1.26, scripts: {} }],
    { phase: { a: 'Ready', b: 'Ready', c: 'Ready', d: 'Pending' }, summary: { submitted: 3, stoppedByGuard: true, spentUsd: 1.26 }, submits: { d: 0 }, message: { d: /not submitted: the --max-cost budget \(\$1\.26\)/ } }],
  ['supersede (wait): a spec change while rendering finishes the old render, then renders the new spec', [
    { videos: [a], scripts: { a: { poll: ['hang'] } } },
    { videos: [video('a', { regenerate: 1 })], scripts: { a: { poll: [{ success: 1 }] } }, supersede: 'wait' },
  ], { phase: { a: 'Ready' }, attempts: { a: ['succeeded', 'succeeded'] }, submits: { a: 2 }, uuids: { a: 2 }, costUsd: { a: 0.84 } }],
  ['supersede (abandon): a spec change abandons the old render (counted as paid) and renders the new spec', [
    { videos: [a], scripts: { a: { poll: ['hang'] } } },
    { videos: [video('a', { regenerate: 1 })], scripts: {}, supersede: 'abandon' },
  ], { phase: { a: 'Ready' }, attempts: { a: ['abandoned', 'succeeded'] }, submits: { a: 2 }, uuids: { a: 2 }, costUsd: { a: 0.84 }, costSource: { a: 'estimate' } }],
  ['recovery: killed after the intent was written, before any answer → the same UUID is re-sent', [
    { videos: [a], scripts: { a: { submit: ['hang'] } } },
    { videos: [a], scripts: { a: { submit: ['conflict'] } } },
  ], { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 2 }, uuids: { a: 1 } }],
  ['recovery: killed while rendering → polled again, not re-submitted; its reservation holds the budget', [
    { videos: [a], scripts: { a: { poll: ['hang'] } } },
    { videos: [a, b], maxCostUsd: 0.5, scripts: {} },
  ], { phase: { a: 'Ready', b: 'Pending' }, attempts: { a: ['succeeded'] }, submits: { a: 1, b: 0 }, summary: { stoppedByGuard: true } }],
  ['recovery: killed while downloading → downloaded without paying again', [
    { videos: [a], scripts: { a: { download: ['hang'] } } },
    { videos: [a], scripts: {} },
  ], { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 1 }, outputs: { a: 1 }, costUsd: { a: 0.42 } }],
  ['suspend: a suspended video is left alone; unsuspended, it renders', [
    { videos: [video('a', { suspend: true })], scripts: {} },
    { videos: [a], scripts: {} },
  ], { phase: { a: 'Ready' }, submits: { a: 1 }, completed: true }],
  ['suspend: a rendered video suspended later → Suspended, its outputs kept', [
    { videos: [a], scripts: {} },
    { videos: [video('a', { suspend: true })], scripts: {} },
  ], { phase: { a: 'Suspended' }, submits: { a: 1 }, outputs: { a: 1 }, completed: true }],
];

describe('reconcile transitions (in-process, fake clock, scripted provider)', () => {
  it.each(rows)('%s', async (_name, runs, want) => {
    steps.length = 0;
    const { runs: outcomes, state, calls, files } = await runSequence(runs);
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.filter((x) => x.stored !== x.derived)).toEqual([]);
    const last = outcomes.at(-1)!;
    if (want.completed) expect(outcomes.slice(0, -1).every((r) => !r.crashed && !r.error)).toBe(true);
    else expect(outcomes.slice(0, -1).every((r) => r.crashed)).toBe(true); // earlier runs end at their 'hang'
    expect(last.crashed).toBe(false);
    if (want.error) expect(last.error?.message).toMatch(want.error);
    else expect(last.error).toBeUndefined();
    if (want.summary) expect(last.summary).toMatchObject(want.summary);
    for (const [name, phase] of Object.entries(want.phase)) expect([name, state.videos[name]?.phase]).toEqual([name, phase]);
    for (const [name, states] of Object.entries(want.attempts ?? {})) expect(state.videos[name]!.attempts.map((x) => x.state)).toEqual(states);
    const of = (name: string, op: Call['op']) => calls.filter((x) => x.name === name && x.op === op);
    for (const [op, times] of Object.entries(want.times ?? {})) expect(of('a', op as Call['op']).map((x) => x.at)).toEqual(times);
    for (const [name, n] of Object.entries(want.submits ?? {})) expect([name, of(name, 'submit').length]).toEqual([name, n]);
    for (const [name, n] of Object.entries(want.uuids ?? {})) expect([name, new Set(of(name, 'submit').map((x) => x.taskUUID)).size]).toEqual([name, n]);
    for (const [name, n] of Object.entries(want.outputs ?? {})) {
      expect(state.videos[name]!.outputs).toHaveLength(n);
      for (const o of state.videos[name]!.outputs) expect(files.get(o.path)?.length).toBe(o.bytes);
    }
    for (const [name, usd] of Object.entries(want.costUsd ?? {})) expect(state.videos[name]!.costUsd).toBeCloseTo(usd, 9);
    for (const [name, re] of Object.entries(want.message ?? {})) expect(state.videos[name]!.message).toMatch(re);
    for (const [name, reason] of Object.entries(want.condition ?? {})) expect(state.videos[name]!.conditions.some((x) => x.reason === reason && x.status === 'True')).toBe(true);
    for (const [name, source] of Object.entries(want.costSource ?? {})) expect([name, state.videos[name]!.costSource]).toEqual([name, source]);
  });
});
