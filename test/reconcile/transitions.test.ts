// Every reconcile transition, table-driven, in-process (issue 18 item 4): the real controller with a
// scripted provider and fake timers (scripted.ts). Each row is one or more apply-like runs over one state
// store; a 'hang' answer is a crash there, and the next run recovers from what the store holds.
// Times are fake milliseconds since the run started. Note the first step of a run runs twice at once
// (setDesired and runToCompletion both queue every video, the second coalesced behind the first), so the
// first poll follows the submit at once and the first retry of a submit is immediate; the cadence after
// that is retryDelayMs (unknown submit), POLL_MS (running), and doubling backoff (failed steps).
// `steps` is the reconcile contract itself: every step's Result (result.ts) per video, in order; `retries`
// and `gaveUp` are the work queue's schedule as the event log records it (never the state).
import { describe, expect, it, vi } from 'vitest';
import type { ApplySummary } from '../../src/reconcile/controller-api.js';
import type { AttemptState, CostSource, Phase } from '../../src/state/model.js';
import type { Result } from '../../src/reconcile/result.js';
import { POLL_MS, RETRY_MS, runSequence, video, type Call, type Pass, type RunSpec } from './scripted.js';

vi.mock('../../src/store/output-check.js', async (original) => ({ ...(await original<object>()), checkOutput: (await import('./memory-disk.js')).checkOutput }));

// After every reconcile step, the phase the reconciler stored must be the one derived from the record's
// facts (state/phase.ts, issue 18): the stored phase is a cache of derivePhase, never an input.
const phases = vi.hoisted(() => [] as { name: string; stored: string; derived: string }[]);
vi.mock('../../src/reconcile/step.js', async (original) => {
  const m = await original<typeof import('../../src/reconcile/step.js')>();
  const { derivePhase } = await import('../../src/state/phase.js');
  return {
    ...m,
    reconcileVideo: async (...args: Parameters<typeof m.reconcileVideo>) => {
      const r = await m.reconcileVideo(...args);
      const [, env, name] = args;
      const v = env.records.get(name);
      if (v) phases.push({ name, stored: v.phase, derived: derivePhase(v, { suspend: env.desired.get(name)?.suspend }) });
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
  /** Each step's Result per video across runs, in order (see kind()): the contract a step keeps. */
  steps?: Record<string, string[]>;
  /** The work queue's retry schedule for video a, from the event log ('retry' events): delays in ms. */
  retries?: number[];
  gaveUp?: string[];
}
type Row = [name: string, runs: RunSpec[], expect: Expect];

const rows: Row[] = [
  ['happy path: submit, processing, success, download → Ready', [{ videos: [a], scripts: { a: { poll: ['processing', { success: 1 }] } } }],
    { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, summary: { ready: 1, submitted: 1, spentUsd: 0.42 }, times: { submit: [0], poll: [0, POLL_MS], download: [POLL_MS] }, outputs: { a: 1 }, costUsd: { a: 0.42 }, costSource: { a: 'api' }, steps: { a: [`requeue ${POLL_MS}`, `requeue ${POLL_MS}`, 'done'] } }],
  ['failure: the render fails remotely → Failed with the API reason, nothing charged, never re-sent', [{ videos: [a], scripts: { a: { poll: [{ failed: 'generationFailed' }] } } }],
    { phase: { a: 'Failed' }, attempts: { a: ['failed'] }, summary: { failed: 1 }, submits: { a: 1 }, costUsd: { a: 0 }, costSource: { a: 'api' }, message: { a: /render failed: generationFailed/ }, steps: { a: [`requeue ${POLL_MS}`, 'done'] } }],
  ['failure: submit refused (invalid parameter) → Failed at once', [{ videos: [a], scripts: { a: { submit: [{ rejected: 'invalidPositivePrompt' }] } } }],
    { phase: { a: 'Failed' }, attempts: { a: ['failed'] }, submits: { a: 1 }, message: { a: /refused the task: invalidPositivePrompt/ }, steps: { a: ['done', 'done'] } }],
  ['fatal: insufficientCredits stops the whole run; nothing else is submitted', [{ videos: [a, b], concurrency: 1, scripts: { a: { submit: [{ rejected: 'insufficientCredits' }] }, b: { submit: [{ rejected: 'insufficientCredits' }] } } }],
    { phase: {}, error: /insufficientCredits/, submits: { a: 1, b: 0 }, steps: { a: ['terminal', 'done'], b: ['waiting-for-slot', 'done'] } }], // b's second pass finds the run halted
  ['retry: unknown submit outcomes re-send the SAME task UUID every retryDelay until accepted', [{ videos: [a], scripts: { a: { submit: ['unknown', 'unknown', 'unknown', 'accepted'] } } }],
    { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 4 }, uuids: { a: 1 }, times: { submit: [0, 0, RETRY_MS, 2 * RETRY_MS] }, steps: { a: [`requeue ${RETRY_MS}`, `requeue ${RETRY_MS}`, `requeue ${RETRY_MS}`, `requeue ${POLL_MS}`, 'done'] }, retries: [] }],
  ['retry: a download reset is retried with backoff, then succeeds (one render paid)', [{ videos: [a], scripts: { a: { download: ['reset', 'reset', 'ok'] } } }],
    { phase: { a: 'Ready' }, submits: { a: 1 }, times: { download: [0, RETRY_MS, 3 * RETRY_MS] }, outputs: { a: 1 }, steps: { a: [`requeue ${POLL_MS}`, 'failed download', 'failed download', 'done'] }, retries: [RETRY_MS, 2 * RETRY_MS], gaveUp: [] }],
  ['unknown outcome: polls with no usable answer back off, then give up for the run; the render is kept, never re-bought', [{ videos: [a], scripts: { a: { poll: [{ unknown: 'no-answer' }] } } }],
    { phase: { a: 'Submitted' }, attempts: { a: ['accepted'] }, summary: { failed: 1, ready: 0 }, submits: { a: 1 }, times: { poll: [0, RETRY_MS, 3 * RETRY_MS, 7 * RETRY_MS, 15 * RETRY_MS] }, condition: { a: 'NoAnswer' },
      steps: { a: [`requeue ${POLL_MS}`, ...Array<string>(5).fill('failed poll')] }, retries: [RETRY_MS, 2 * RETRY_MS, 4 * RETRY_MS, 8 * RETRY_MS], gaveUp: ['a'] }],
  ['conflict: conflictTaskUUID on submit means accepted earlier → polled, never re-bought', [{ videos: [a], scripts: { a: { submit: ['conflict'] } } }],
    { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 1 }, uuids: { a: 1 }, steps: { a: [`requeue ${POLL_MS}`, 'done'] } }],
  ['conflict: "not found" for an acknowledged task re-sends the same UUID; its conflict confirms it', [{ videos: [a], scripts: { a: { submit: ['accepted', 'conflict'], poll: [{ unknown: 'taskNotFound' }, { success: 1 }] } } }],
    { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 2 }, uuids: { a: 1 }, steps: { a: [`requeue ${POLL_MS}`, `requeue ${POLL_MS}`, 'done'] } }],
  ['partial results: fewer than numberResults is still running; all of them are downloaded', [{ videos: [video('a', {}, { numberResults: 2 })], scripts: { a: { poll: [{ success: 1 }, { success: 2 }] } } }],
    { phase: { a: 'Ready' }, outputs: { a: 2 }, times: { poll: [0, POLL_MS] }, steps: { a: [`requeue ${POLL_MS}`, `requeue ${POLL_MS}`, 'done'] } }],
  ['expiry: the download URL expired → Failed with DownloadExpired; nothing re-rendered (that costs money)', [{ videos: [a], scripts: { a: { download: ['expired'] } } }],
    { phase: { a: 'Failed' }, attempts: { a: ['succeeded'] }, submits: { a: 1 }, outputs: { a: 0 }, condition: { a: 'DownloadExpired' }, message: { a: /expired before download/ }, steps: { a: [`requeue ${POLL_MS}`, 'done'] } }],
  ['budget stop: reservations count at once; exactly the cap fits, the next render is refused', [{ videos: [a, b, c, d], maxCostUsd: 1.26, scripts: {} }],
    { phase: { a: 'Ready', b: 'Ready', c: 'Ready', d: 'Pending' }, summary: { submitted: 3, stoppedByGuard: true, spentUsd: 1.26 }, submits: { d: 0 }, message: { d: /not submitted: the --max-cost budget \(\$1\.26\)/ }, steps: { d: ['guard-stopped', 'guard-stopped'] } }],
  ['supersede (wait): a spec change while rendering finishes the old render, then renders the new spec', [
    { videos: [a], scripts: { a: { poll: ['hang'] } } },
    { videos: [video('a', { regenerate: 1 })], scripts: { a: { poll: [{ success: 1 }] } }, supersede: 'wait' },
  ], { phase: { a: 'Ready' }, attempts: { a: ['succeeded', 'succeeded'] }, submits: { a: 2 }, uuids: { a: 2 }, costUsd: { a: 0.84 }, steps: { a: [`requeue ${POLL_MS}`, 'requeue 0', `requeue ${POLL_MS}`, 'done'] } }],
  ['supersede (abandon): a spec change abandons the old render (counted as paid) and renders the new spec', [
    { videos: [a], scripts: { a: { poll: ['hang'] } } },
    { videos: [video('a', { regenerate: 1 })], scripts: {}, supersede: 'abandon' },
  ], { phase: { a: 'Ready' }, attempts: { a: ['abandoned', 'succeeded'] }, submits: { a: 2 }, uuids: { a: 2 }, costUsd: { a: 0.84 }, costSource: { a: 'estimate' }, steps: { a: [`requeue ${POLL_MS}`, `requeue ${POLL_MS}`, 'done'] } }],
  ['recovery: killed after the intent was written, before any answer → the same UUID is re-sent', [
    { videos: [a], scripts: { a: { submit: ['hang'] } } },
    { videos: [a], scripts: { a: { submit: ['conflict'] } } },
  ], { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 2 }, uuids: { a: 1 }, steps: { a: [`requeue ${POLL_MS}`, 'done'] } }],
  ['recovery: killed while rendering → polled again, not re-submitted; its reservation holds the budget', [
    { videos: [a], scripts: { a: { poll: ['hang'] } } },
    { videos: [a, b], maxCostUsd: 0.5, scripts: {} },
  ], { phase: { a: 'Ready', b: 'Pending' }, attempts: { a: ['succeeded'] }, submits: { a: 1, b: 0 }, summary: { stoppedByGuard: true }, steps: { a: [`requeue ${POLL_MS}`, 'done', 'done'], b: ['guard-stopped', 'guard-stopped'] } }],
  ['recovery: killed while downloading → downloaded without paying again', [
    { videos: [a], scripts: { a: { download: ['hang'] } } },
    { videos: [a], scripts: {} },
  ], { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 1 }, outputs: { a: 1 }, costUsd: { a: 0.42 }, steps: { a: [`requeue ${POLL_MS}`, 'done', 'done'] } }],
  ['suspend: a suspended video is left alone; unsuspended, it renders', [
    { videos: [video('a', { suspend: true })], scripts: {} },
    { videos: [a], scripts: {} },
  ], { phase: { a: 'Ready' }, submits: { a: 1 }, completed: true }],
  ['suspend: a rendered video suspended later → Suspended, its outputs kept', [
    { videos: [a], scripts: {} },
    { videos: [video('a', { suspend: true })], scripts: {} },
  ], { phase: { a: 'Suspended' }, submits: { a: 1 }, outputs: { a: 1 }, completed: true }],
  ['give up (apply): a download that keeps failing backs off 1, 2, 4, 8 s, then is given up for the run; the message says what failed, not when', [{ videos: [a], scripts: { a: { download: ['reset'] } } }],
    { phase: { a: 'Downloading' }, attempts: { a: ['succeeded'] }, summary: { failed: 1, ready: 0 }, submits: { a: 1 }, times: { download: [0, RETRY_MS, 3 * RETRY_MS, 7 * RETRY_MS, 15 * RETRY_MS] },
      steps: { a: [`requeue ${POLL_MS}`, ...Array<string>(5).fill('failed download')] }, retries: [RETRY_MS, 2 * RETRY_MS, 4 * RETRY_MS, 8 * RETRY_MS], gaveUp: ['a'], message: { a: /^download failed 5 times \(download failed: socket reset\); given up for this run/ } }],
  ['terminal: a full disk stops the run with one clear error; the paid render stays recorded for the next run', [{ videos: [a], scripts: { a: { download: ['enospc'] } } }],
    { phase: { a: 'Downloading' }, attempts: { a: ['succeeded'] }, error: /cannot write to disk: ENOSPC \(disk full\)/, submits: { a: 1 }, costUsd: { a: 0.42 }, steps: { a: [`requeue ${POLL_MS}`, 'terminal'] } }],
  ['guard: spec.maxCostUsd below the estimate → never submitted, the run reports a guard stop', [{ videos: [video('a', { maxCostUsd: 0.1 })], scripts: {} }],
    { phase: { a: 'Pending' }, summary: { stoppedByGuard: true, submitted: 0 }, submits: { a: 0 }, message: { a: /exceeds spec\.maxCostUsd \$0\.1/ }, steps: { a: ['guard-stopped', 'guard-stopped'] } }],
  ['slot wait: with one slot the second video waits, unsubmitted, and is woken when the first render settles', [{ videos: [a, b], concurrency: 1, scripts: { a: { poll: ['processing', { success: 1 }] } } }],
    { phase: { a: 'Ready', b: 'Ready' }, summary: { ready: 2, submitted: 2 }, submits: { a: 1, b: 1 }, steps: { b: ['waiting-for-slot', 'waiting-for-slot', `requeue ${POLL_MS}`, 'done'] } }],
];

/** A Result as one short word: its kind, and its delay or what failed. */
function kind(r: Result): string {
  switch (r.kind) {
    case 'requeue':
      return `requeue ${r.afterMs}`;
    case 'failed':
      return `failed ${r.what}`;
    case 'guard-stopped':
      return r.retryAfterMs === undefined ? 'guard-stopped' : `guard-stopped ${r.retryAfterMs}`;
    default:
      return r.kind;
  }
}
const stepsOf = (passes: Pass[], name: string) => passes.filter((p) => p.name === name).map((p) => kind(p.step));

describe('reconcile transitions (in-process, fake clock, scripted provider)', () => {
  it.each(rows)('%s', async (_name, runs, want) => {
    phases.length = 0;
    const { runs: outcomes, state, calls, files, passes, events } = await runSequence(runs);
    expect(phases.length).toBeGreaterThan(0);
    expect(phases.filter((x) => x.stored !== x.derived)).toEqual([]);
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
    for (const [name, kinds] of Object.entries(want.steps ?? {})) expect([name, stepsOf(passes, name)]).toEqual([name, kinds]);
    if (want.retries) expect(events.flatMap((e) => (e.type === 'retry' && e.name === 'a' ? [e.retryInMs] : []))).toEqual(want.retries);
    if (want.gaveUp) expect(events.flatMap((e) => (e.type === 'gave-up' ? [e.name] : []))).toEqual(want.gaveUp);
    // Retry schedules live in memory and in the event log, never in the state.
    for (const v of Object.values(state.videos)) expect(v.message ?? '').not.toMatch(/retry \d+ in|in \d+ s\b/);
  });
});
