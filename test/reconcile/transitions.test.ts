// Every reconcile transition, table-driven, in-process (issue 18 item 4): the real controller with a
// scripted provider and fake timers (scripted.ts). Each row is one or more apply-like runs over one state
// store; a 'hang' answer is a crash there, and the next run recovers from what the store holds.
// Times are fake milliseconds since the run started. Each video's first step runs once (setDesired queues
// it; runToCompletion adds only what is not queued or running already), so a render is first polled POLL_MS
// after its submit; the cadence is retryDelayMs (unknown submit), POLL_MS (running), and doubling backoff
// (failed steps).
// `steps` is the reconcile contract itself: every step's Result (result.ts) per video, in order; `retries`
// and `gaveUp` are the work queue's schedule as the event log records it (never the state).
import { describe, expect, it, vi } from 'vitest';
import type { ApplySummary } from '../../src/reconcile/controller-api.js';
import { specHash } from '../../src/manifest/spec-hash.js';
import type { AttemptState, CostSource, Phase, VideoState } from '../../src/state/model.js';
import { newVideoState } from '../../src/state/transitions.js';
import type { Result } from '../../src/reconcile/result.js';
import { POLL_MS, RETRY_MS, runSequence, video, type Call, type Pass, type RunSpec } from './scripted.js';

// Every output check of the reconciler goes to the memory disk: a real stat would make a run wait on real I/O,
// which the fake-timer loop (scripted.ts) does not wait for.
vi.mock('../../src/store/output-check.js', async (original) => {
  const mem = await import('./memory-disk.js');
  return { ...(await original<object>()), checkOutput: mem.checkOutput, inspectOutput: mem.inspectOutput, seenNow: mem.seenNow };
});

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

/** A record as an older (or buggy) reelctl left it: `phase` stored, the facts given. */
function record(stored: Phase, facts: Partial<VideoState>): VideoState {
  const at = '2025-12-31T00:00:00.000Z';
  return { ...newVideoState({ name: 'a', specHash: specHash(a), regenerate: 0, outputPath: 'out/a' }, Date.parse(at)), phase: stored, ...facts };
}
/** A render of a's spec, paid for and finished, its URL not downloaded. */
const paidRender = () => ({
  taskUUID: 'old-task',
  specHash: specHash(a),
  createdAt: '2025-12-31T00:00:00.000Z',
  state: 'succeeded' as const,
  sends: 1,
  reservedUsd: 0.42,
  costUsd: 0.42,
  costSource: 'api' as const,
  results: [{ videoUUID: 'old-task-v0', videoURL: 'https://cdn.test/old-task-0.mp4', costUsd: 0.42, receivedAt: '2025-12-31T00:00:00.000Z' }],
});
const downloadFailed = {
  type: 'DownloadFailed',
  status: 'True',
  reason: 'DownloadExpired',
  message: 'the URL expired',
  lastTransitionTime: '2025-12-31T00:00:00.000Z',
} as const;

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
  /** Condition types a video must not carry at the end (a fact that was cleared). */
  noCondition?: Record<string, string>;
  /** Where each video's settled cost came from (the API, or the reservation as an estimate). */
  costSource?: Record<string, CostSource>;
  /** The earlier runs complete (a manifest edit between runs) instead of ending at a 'hang'. */
  completed?: true;
  /** The last run ends at its 'hang' (a crash): the state is what was saved before it. */
  crashed?: true;
  /** Each step's Result per video across runs, in order (see kind()): the contract a step keeps. */
  steps?: Record<string, string[]>;
  /** The work queue's retry schedule for video a, from the event log ('retry' events): delays in ms. */
  retries?: number[];
  gaveUp?: string[];
}
type Row = [name: string, runs: RunSpec[], expect: Expect];

const rows: Row[] = [
  [
    'happy path: submit, processing, success, download → Ready',
    [{ videos: [a], scripts: { a: { poll: ['processing', { success: 1 }] } } }],
    {
      phase: { a: 'Ready' },
      attempts: { a: ['succeeded'] },
      summary: { ready: 1, submitted: 1, spentUsd: 0.42 },
      times: { submit: [0], poll: [POLL_MS, 2 * POLL_MS], download: [2 * POLL_MS] },
      outputs: { a: 1 },
      costUsd: { a: 0.42 },
      costSource: { a: 'api' },
      steps: { a: [`requeue ${POLL_MS}`, `requeue ${POLL_MS}`, 'done'] },
    },
  ],
  [
    'failure: the render fails remotely → Failed with the API reason, nothing charged, never re-sent',
    [{ videos: [a], scripts: { a: { poll: [{ failed: 'generationFailed' }] } } }],
    {
      phase: { a: 'Failed' },
      attempts: { a: ['failed'] },
      summary: { failed: 1 },
      submits: { a: 1 },
      costUsd: { a: 0 },
      costSource: { a: 'api' },
      message: { a: /render failed: generationFailed/ },
      steps: { a: [`requeue ${POLL_MS}`, 'done'] },
    },
  ],
  [
    'failure: submit refused (invalid parameter) → Failed at once',
    [{ videos: [a], scripts: { a: { submit: [{ rejected: 'invalidPositivePrompt' }] } } }],
    {
      phase: { a: 'Failed' },
      attempts: { a: ['failed'] },
      submits: { a: 1 },
      message: { a: /refused the task: invalidPositivePrompt/ },
      steps: { a: ['done'] },
    },
  ],
  [
    'fatal: insufficientCredits stops the whole run; nothing else is submitted',
    [
      {
        videos: [a, b],
        concurrency: 1,
        scripts: { a: { submit: [{ rejected: 'insufficientCredits' }] }, b: { submit: [{ rejected: 'insufficientCredits' }] } },
      },
    ],
    { phase: {}, error: /insufficientCredits/, submits: { a: 1, b: 0 }, steps: { a: ['terminal'], b: ['waiting-for-slot', 'done'] } },
  ], // b's second pass finds the run halted
  [
    'retry: unknown submit outcomes re-send the SAME task UUID every retryDelay until accepted',
    [{ videos: [a], scripts: { a: { submit: ['unknown', 'unknown', 'unknown', 'accepted'] } } }],
    {
      phase: { a: 'Ready' },
      attempts: { a: ['succeeded'] },
      submits: { a: 4 },
      uuids: { a: 1 },
      times: { submit: [0, RETRY_MS, 2 * RETRY_MS, 3 * RETRY_MS] },
      steps: { a: [`requeue ${RETRY_MS}`, `requeue ${RETRY_MS}`, `requeue ${RETRY_MS}`, `requeue ${POLL_MS}`, 'done'] },
      retries: [],
    },
  ],
  [
    'retry: a download reset is retried with backoff, then succeeds (one render paid)',
    [{ videos: [a], scripts: { a: { download: ['reset', 'reset', 'ok'] } } }],
    {
      phase: { a: 'Ready' },
      submits: { a: 1 },
      times: { download: [POLL_MS, POLL_MS + RETRY_MS, POLL_MS + 3 * RETRY_MS] },
      outputs: { a: 1 },
      steps: { a: [`requeue ${POLL_MS}`, 'failed download', 'failed download', 'done'] },
      retries: [RETRY_MS, 2 * RETRY_MS],
      gaveUp: [],
      noCondition: { a: 'StepFailing' },
    },
  ],
  [
    'unknown outcome: polls with no usable answer back off, then give up for the run; the render is kept, never re-bought',
    [{ videos: [a], scripts: { a: { poll: [{ unknown: 'no-answer' }] } } }],
    {
      phase: { a: 'Submitted' },
      attempts: { a: ['accepted'] },
      summary: { failed: 1, ready: 0 },
      submits: { a: 1 },
      times: { poll: [POLL_MS, POLL_MS + RETRY_MS, POLL_MS + 3 * RETRY_MS, POLL_MS + 7 * RETRY_MS, POLL_MS + 15 * RETRY_MS] },
      condition: { a: 'NoAnswer' },
      steps: { a: [`requeue ${POLL_MS}`, ...Array<string>(5).fill('failed poll')] },
      retries: [RETRY_MS, 2 * RETRY_MS, 4 * RETRY_MS, 8 * RETRY_MS],
      gaveUp: ['a'],
    },
  ],
  [
    'conflict: conflictTaskUUID on submit means accepted earlier → polled, never re-bought',
    [{ videos: [a], scripts: { a: { submit: ['conflict'] } } }],
    { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 1 }, uuids: { a: 1 }, steps: { a: [`requeue ${POLL_MS}`, 'done'] } },
  ],
  [
    'conflict: "not found" for an acknowledged task re-sends the same UUID; its conflict confirms it',
    [{ videos: [a], scripts: { a: { submit: ['accepted', 'conflict'], poll: [{ unknown: 'taskNotFound' }, { success: 1 }] } } }],
    {
      phase: { a: 'Ready' },
      attempts: { a: ['succeeded'] },
      submits: { a: 2 },
      uuids: { a: 1 },
      steps: { a: [`requeue ${POLL_MS}`, `requeue ${POLL_MS}`, 'done'] },
    },
  ],
  [
    'partial results: fewer than numberResults is still running; all of them are downloaded',
    [{ videos: [video('a', {}, { numberResults: 2 })], scripts: { a: { poll: [{ success: 1 }, { success: 2 }] } } }],
    { phase: { a: 'Ready' }, outputs: { a: 2 }, times: { poll: [POLL_MS, 2 * POLL_MS] }, steps: { a: [`requeue ${POLL_MS}`, `requeue ${POLL_MS}`, 'done'] } },
  ],
  [
    'expiry: the download URL expired → Failed with DownloadExpired; nothing re-rendered (that costs money)',
    [{ videos: [a], scripts: { a: { download: ['expired'] } } }],
    {
      phase: { a: 'Failed' },
      attempts: { a: ['succeeded'] },
      submits: { a: 1 },
      outputs: { a: 0 },
      condition: { a: 'DownloadExpired' },
      message: { a: /expired before download/ },
      steps: { a: [`requeue ${POLL_MS}`, 'done'] },
    },
  ],
  [
    'budget stop: reservations count at once; exactly the cap fits, the next render is refused',
    [{ videos: [a, b, c, d], maxCostUsd: 1.26, scripts: {} }],
    {
      phase: { a: 'Ready', b: 'Ready', c: 'Ready', d: 'Pending' },
      summary: { submitted: 3, stoppedByGuard: true, spentUsd: 1.26 },
      submits: { d: 0 },
      message: { d: /not submitted: the --max-cost budget \(\$1\.26\)/ },
      steps: { d: ['guard-stopped'] },
    },
  ],
  [
    'supersede (wait): a spec change while rendering finishes the old render, then renders the new spec',
    [
      { videos: [a], scripts: { a: { poll: ['hang'] } } },
      { videos: [video('a', { regenerate: 1 })], scripts: { a: { poll: [{ success: 1 }] } }, supersede: 'wait' },
    ],
    {
      phase: { a: 'Ready' },
      attempts: { a: ['succeeded', 'succeeded'] },
      submits: { a: 2 },
      uuids: { a: 2 },
      costUsd: { a: 0.84 },
      steps: { a: [`requeue ${POLL_MS}`, 'requeue 0', `requeue ${POLL_MS}`, 'done'] },
    },
  ],
  [
    'supersede (abandon): a spec change abandons the old render (counted as paid) and renders the new spec',
    [
      { videos: [a], scripts: { a: { poll: ['hang'] } } },
      { videos: [video('a', { regenerate: 1 })], scripts: {}, supersede: 'abandon' },
    ],
    {
      phase: { a: 'Ready' },
      attempts: { a: ['abandoned', 'succeeded'] },
      submits: { a: 2 },
      uuids: { a: 2 },
      costUsd: { a: 0.84 },
      costSource: { a: 'estimate' },
      steps: { a: [`requeue ${POLL_MS}`, `requeue ${POLL_MS}`, 'done'] },
    },
  ],
  [
    'recovery: killed after the intent was written, before any answer → the same UUID is re-sent',
    [
      { videos: [a], scripts: { a: { submit: ['hang'] } } },
      { videos: [a], scripts: { a: { submit: ['conflict'] } } },
    ],
    { phase: { a: 'Ready' }, attempts: { a: ['succeeded'] }, submits: { a: 2 }, uuids: { a: 1 }, steps: { a: [`requeue ${POLL_MS}`, 'done'] } },
  ],
  [
    'recovery: killed while rendering → polled again, not re-submitted; its reservation holds the budget',
    [
      { videos: [a], scripts: { a: { poll: ['hang'] } } },
      { videos: [a, b], maxCostUsd: 0.5, scripts: {} },
    ],
    {
      phase: { a: 'Ready', b: 'Pending' },
      attempts: { a: ['succeeded'] },
      submits: { a: 1, b: 0 },
      summary: { stoppedByGuard: true },
      steps: { a: [`requeue ${POLL_MS}`, 'done'], b: ['guard-stopped'] },
    },
  ],
  [
    'recovery: killed while downloading → downloaded without paying again',
    [
      { videos: [a], scripts: { a: { download: ['hang'] } } },
      { videos: [a], scripts: {} },
    ],
    {
      phase: { a: 'Ready' },
      attempts: { a: ['succeeded'] },
      submits: { a: 1 },
      outputs: { a: 1 },
      costUsd: { a: 0.42 },
      steps: { a: [`requeue ${POLL_MS}`, 'done'] },
    },
  ],
  [
    'suspend: a suspended video is left alone; unsuspended, it renders',
    [
      { videos: [video('a', { suspend: true })], scripts: {} },
      { videos: [a], scripts: {} },
    ],
    { phase: { a: 'Ready' }, submits: { a: 1 }, completed: true },
  ],
  [
    'suspend: a rendered video suspended later → Suspended, its outputs kept',
    [
      { videos: [a], scripts: {} },
      { videos: [video('a', { suspend: true })], scripts: {} },
    ],
    { phase: { a: 'Suspended' }, submits: { a: 1 }, outputs: { a: 1 }, completed: true },
  ],
  [
    'give up (apply): a download that keeps failing backs off 1, 2, 4, 8 s, then is given up for the run; the message says what failed, not when',
    [{ videos: [a], scripts: { a: { download: ['reset'] } } }],
    {
      phase: { a: 'Downloading' },
      attempts: { a: ['succeeded'] },
      summary: { failed: 1, ready: 0 },
      submits: { a: 1 },
      times: { download: [POLL_MS, POLL_MS + RETRY_MS, POLL_MS + 3 * RETRY_MS, POLL_MS + 7 * RETRY_MS, POLL_MS + 15 * RETRY_MS] },
      steps: { a: [`requeue ${POLL_MS}`, ...Array<string>(5).fill('failed download')] },
      retries: [RETRY_MS, 2 * RETRY_MS, 4 * RETRY_MS, 8 * RETRY_MS],
      gaveUp: ['a'],
      condition: { a: 'DownloadFailing' },
      message: { a: /^download failed 5 times \(download failed: socket reset\); given up for this run/ },
    },
  ],
  [
    'terminal: a full disk stops the run with one clear error; the paid render stays recorded for the next run',
    [{ videos: [a], scripts: { a: { download: ['enospc'] } } }],
    {
      phase: { a: 'Downloading' },
      attempts: { a: ['succeeded'] },
      error: /cannot write to disk: ENOSPC \(disk full\)/,
      submits: { a: 1 },
      costUsd: { a: 0.42 },
      steps: { a: [`requeue ${POLL_MS}`, 'terminal'] },
    },
  ],
  [
    'guard: spec.maxCostUsd below the estimate → never submitted, the run reports a guard stop',
    [{ videos: [video('a', { maxCostUsd: 0.1 })], scripts: {} }],
    {
      phase: { a: 'Pending' },
      summary: { stoppedByGuard: true, submitted: 0 },
      submits: { a: 0 },
      message: { a: /exceeds spec\.maxCostUsd \$0\.1/ },
      steps: { a: ['guard-stopped'] },
    },
  ],
  [
    'slot wait: with one slot the second video waits, unsubmitted, and is woken when the first render settles',
    [{ videos: [a, b], concurrency: 1, scripts: { a: { poll: ['processing', { success: 1 }] } } }],
    {
      phase: { a: 'Ready', b: 'Ready' },
      summary: { ready: 2, submitted: 2 },
      submits: { a: 1, b: 1 },
      steps: { b: ['waiting-for-slot', `requeue ${POLL_MS}`, 'done'] },
    },
  ],
  // The stored phase always equals derivePhase (issue 18): the three places it used not to.
  [
    'facts: finished results are saved with the phase they give (Downloading), even when the download never ends (the save runs beside it)',
    [{ videos: [a], scripts: { a: { download: ['hang'] } } }],
    { phase: { a: 'Downloading' }, attempts: { a: ['succeeded'] }, submits: { a: 1 }, outputs: { a: 0 }, costUsd: { a: 0.42 }, crashed: true },
  ],
  [
    'facts: an intent of an earlier request that the API had accepted is saved as Submitted, finished, then the new spec renders',
    [
      { videos: [a], scripts: { a: { submit: ['hang'] } } },
      { videos: [video('a', { regenerate: 1 })], scripts: {}, supersede: 'wait' },
    ],
    {
      phase: { a: 'Ready' },
      attempts: { a: ['succeeded', 'succeeded'] },
      submits: { a: 2 },
      uuids: { a: 2 },
      steps: { a: ['requeue 0', 'requeue 0', `requeue ${POLL_MS}`, 'done'] },
    },
  ],
  [
    'facts: "not found" re-sends the same UUID; an unknown answer to that leaves it an intent (Pending), re-sent until confirmed',
    [{ videos: [a], scripts: { a: { submit: ['accepted', 'unknown', 'conflict'], poll: [{ unknown: 'taskNotFound' }, { success: 1 }] } } }],
    {
      phase: { a: 'Ready' },
      attempts: { a: ['succeeded'] },
      submits: { a: 3 },
      uuids: { a: 1 },
      steps: { a: [`requeue ${POLL_MS}`, `requeue ${RETRY_MS}`, `requeue ${POLL_MS}`, 'done'] },
    },
  ],
  // A stored phase is never an input: a record whose phase contradicts its facts is reconciled from the facts.
  [
    'stale phase: stored Ready, but the facts say Downloading (a paid render, no output) → downloaded, never paid again',
    [{ videos: [a], scripts: {}, records: [record('Ready', { attempts: [paidRender()], costUsd: 0.42, costSource: 'api' })] }],
    { phase: { a: 'Ready' }, submits: { a: 0 }, outputs: { a: 1 }, costUsd: { a: 0.42 }, steps: { a: ['done'] } },
  ],
  [
    'stale phase: stored Failed with no attempt and no failure recorded (nothing paid for this spec) → Pending by its facts, rendered',
    [{ videos: [a], scripts: {}, records: [record('Failed', { message: 'an old failure' })] }],
    { phase: { a: 'Ready' }, submits: { a: 1 }, outputs: { a: 1 } },
  ],
  [
    'stale phase: a download failed for good, its attempt trimmed away → Failed by its facts, never rendered again',
    [{ videos: [a], scripts: {}, records: [record('Downloading', { conditions: [downloadFailed] })] }],
    { phase: { a: 'Failed' }, submits: { a: 0 }, outputs: { a: 0 }, steps: { a: ['done'] } },
  ],
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
    const { runs: outcomes, state, calls, files, passes, events, mismatches } = await runSequence(runs);
    expect(phases.length).toBeGreaterThan(0);
    expect(phases.filter((x) => x.stored !== x.derived)).toEqual([]);
    const last = outcomes.at(-1)!;
    if (want.completed) expect(outcomes.slice(0, -1).every((r) => !r.crashed && !r.error)).toBe(true);
    else expect(outcomes.slice(0, -1).every((r) => r.crashed)).toBe(true); // earlier runs end at their 'hang'
    expect(last.crashed).toBe(!!want.crashed);
    // Every save, mid-step and before a crash included, holds the phase its facts give.
    expect(mismatches).toEqual([]);
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
    for (const [name, type] of Object.entries(want.noCondition ?? {}))
      expect([name, state.videos[name]!.conditions.some((x) => x.type === type)]).toEqual([name, false]);
    for (const [name, reason] of Object.entries(want.condition ?? {}))
      expect(state.videos[name]!.conditions.some((x) => x.reason === reason && x.status === 'True')).toBe(true);
    for (const [name, source] of Object.entries(want.costSource ?? {})) expect([name, state.videos[name]!.costSource]).toEqual([name, source]);
    for (const [name, kinds] of Object.entries(want.steps ?? {})) expect([name, stepsOf(passes, name)]).toEqual([name, kinds]);
    if (want.retries) expect(events.flatMap((e) => (e.type === 'retry' && e.name === 'a' ? [e.retryInMs] : []))).toEqual(want.retries);
    if (want.gaveUp) expect(events.flatMap((e) => (e.type === 'gave-up' ? [e.name] : []))).toEqual(want.gaveUp);
    // Retry schedules live in memory and in the event log, never in the state.
    for (const v of Object.values(state.videos)) expect(v.message ?? '').not.toMatch(/retry \d+ in|in \d+ s\b/);
  });
});
