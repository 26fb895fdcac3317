// The controller: owns the desired set, the state and its writer, admission and the work queue; drives
// reconcileVideo per name and turns each step's Result (result.ts) into queue calls and the run's facts
// (submitted, stopped by a guard, fatal error, given up), here and nowhere else.
// `apply` calls runToCompletion(); the daemon calls start()/setDesired()/resync()/stop().
import { setMaxListeners } from 'node:events';
import { silentLogger } from '../log.js';
import type { LoadedVideo } from '../manifest/model.js';
import { matchesSelector } from '../manifest/selector.js';
import { canonicalJson } from '../manifest/spec-hash.js';
import { ConditionType, stepFailingReason } from '../state/conditions.js';
import type { StateFile, StateStore } from '../state/model.js';
import { derivePhase } from '../state/phase.js';
import { clearCondition, setCondition } from '../state/transitions.js';
import { Admission } from './admission.js';
import type { BudgetStatus } from './budget.js';
import type { ApplySummary, Controller, ControllerEvent, ReconcileResult, VideoStatus } from './controller-api.js';
import type { ReconcileDeps } from './context.js';
import type { EventLog } from './event-log.js';
import { WorkQueue, type RateLimited } from './queue.js';
import { unreachable, type Result } from './result.js';
import { StateWriter } from '../state/writer.js';
import { reconcileVideo } from './step.js';
import { createStepEnv } from './step-env.js';

export interface ControllerOptions extends ReconcileDeps {
  store: StateStore;
  state: StateFile;
  maxCostUsd?: number;
  /** The daemon: --max-cost is per rolling window of this length (24 h), recorded in the state. */
  budgetWindowMs?: number;
  selector?: Record<string, string>;
  eventLog?: EventLog;
  /** Parallel reconcile steps (each short: a submit, a poll, a download). */
  workers?: number;
  /** apply: consecutive failures after which a video is given up for the run (default 5). */
  giveUpAfter?: number;
  /** State size from which saves go to the journal (state/writer.ts). */
  journalMinVideos?: number;
}

/** apply gives a video up for the run after this many consecutive failed steps (~15 s of backoff at 1 s). */
const DEFAULT_GIVE_UP_AFTER = 5;

/** What a reload must notice: anything that changes what the step would do. */
function desiredKey(v: LoadedVideo): string {
  return canonicalJson({ r: v.request, g: v.regenerate, s: v.suspend, o: v.output, c: v.maxCostUsd, l: v.localInputs, f: v.source.file });
}

export function createController(o: ControllerOptions): Controller {
  const listeners = new Set<(e: ControllerEvent) => void>();
  const passListeners = new Set<(r: ReconcileResult) => void>();
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // every in-flight request listens for shutdown
  const selector = o.selector ?? {};
  const logger = o.logger ?? silentLogger();
  const state = o.state;
  const writer = new StateWriter(o.store, state, o.journalMinVideos !== undefined ? { journalMinVideos: o.journalMinVideos } : {});
  const admission = new Admission({
    concurrency: o.concurrency,
    ...(o.maxCostUsd !== undefined ? { maxCostUsd: o.maxCostUsd } : {}),
    ...(o.budgetWindowMs !== undefined ? { windowMs: o.budgetWindowMs } : {}),
    ...(o.simulated ? { simulated: true } : {}),
  });
  let desired = new Map<string, LoadedVideo>();
  // The run's facts: set only from Results (settle) and events (emit), below.
  let stopping = false;
  let guardStopped = false;
  let fatal: Error | undefined;
  let submitted = 0;

  const emit = (e: ControllerEvent): void => {
    if (e.type === 'submitted') submitted++;
    o.eventLog?.append(e);
    for (const l of listeners) l(e);
  };
  const env = createStepEnv({
    state,
    writer,
    admission,
    emit,
    signal: abort.signal,
    desired: () => desired,
    halted: () => stopping || fatal !== undefined,
    wake: (name) => queue.add(name, 'priority'), // a finished task, a freed slot: not behind the start-up pass
  });

  /** A failed step, as the queue scheduled it: the message says what failed (a fact); when it is tried again is an event. */
  function failedStep(name: string, what: string, err: unknown, r: RateLimited): void {
    const msg = err instanceof Error ? err.message : String(err);
    const v = env.records.get(name);
    const at = o.clock.now();
    // The fact behind plan's "download stuck" / "the last step failed": what failed, never when it is tried again.
    if (v) setCondition(v, ConditionType.StepFailing, 'True', stepFailingReason(what), `${what} failed: ${msg}`, at);
    if (r.kind === 'gave-up') {
      if (v)
        v.message = `${what} failed ${r.failures} times (${msg}); given up for this run — anything paid for is recorded, fix the cause and run apply again`;
      logger.error({ video: name, err: msg, attempts: r.failures }, `${what} failed ${r.failures} times; giving up on this video for this run`);
      emit({ type: 'gave-up', name, what, error: msg, failures: r.failures, at });
    } else {
      if (v) v.message = `${what} failed (${msg})`;
      logger.warn({ video: name, err: msg, attempt: r.failures, retryInMs: r.delayMs }, `${what} failed; will retry`);
      emit({ type: 'retry', name, what, error: msg, failures: r.failures, retryInMs: r.delayMs, at });
    }
    writer.markDirty(name);
  }

  /** A step that did not fail ends the StepFailing fact a failed one recorded. */
  function stepSucceeded(name: string): void {
    const v = env.records.get(name);
    if (!v?.conditions.some((c) => c.type === ConditionType.StepFailing)) return;
    clearCondition(v, ConditionType.StepFailing);
    writer.markDirty(name);
  }

  /** One step's Result → the work queue and the run's facts. The one place a Result is read. */
  async function settle(name: string, r: Result): Promise<ReconcileResult['result']> {
    if (r.kind !== 'failed') queue.forget(name); // nothing failed: the next failure starts the backoff over
    if (r.kind !== 'failed' && r.kind !== 'terminal') stepSucceeded(name);
    switch (r.kind) {
      case 'done':
      case 'waiting-for-slot': // admission wakes it when a slot frees
        return 'success';
      case 'requeue':
        queue.addAfter(name, r.afterMs);
        return 'requeue_after';
      case 'guard-stopped':
        guardStopped = true;
        if (r.retryAfterMs === undefined) return 'success';
        queue.addAfter(name, r.retryAfterMs);
        return 'requeue_after';
      case 'failed':
        failedStep(name, r.what, r.error, queue.addRateLimited(name));
        return 'error';
      case 'terminal':
        fatal ??= r.error;
        await writer.flush(name).catch(() => undefined); // best effort: the disk may be the problem
        return 'error';
      default:
        return unreachable(r);
    }
  }

  // Each pass is timed and classified for /metrics.
  const reconcilePass = async (name: string): Promise<void> => {
    const t0 = o.clock.elapsed();
    let result: ReconcileResult['result'] = 'error';
    let step: Result | undefined;
    try {
      step = await reconcileVideo(o, env, name);
      result = await settle(name, step);
    } finally {
      // A video woken for a freed slot that did not take it hands the slot to the next one waiting.
      for (const w of admission.stepEnded(name)) queue.add(w, 'priority');
      for (const l of passListeners) l({ name, result, seconds: (o.clock.elapsed() - t0) / 1000, ...(step ? { step } : {}) });
    }
  };
  const queue = new WorkQueue(reconcilePass, o.clock, o.workers ?? Math.max(8, o.concurrency * 2), {
    baseDelayMs: o.retryDelayMs,
    onError: (name, err, r) => failedStep(name, 'reconcile step', err, r),
  });

  const selected = (v: LoadedVideo) => matchesSelector(v.labels, selector);

  // The first desired set is the start-up load (bulk work); every later change is a user's edit, which goes
  // ahead of the bulk lane (the start-up pass over 50,000 tracked videos takes minutes).
  let seeded = false;
  function setDesired(videos: LoadedVideo[]): void {
    const next = new Map(videos.filter(selected).map((v) => [v.name, v]));
    install(next, next.keys(), desired.keys(), seeded ? 'priority' : 'bulk');
  }

  function patchDesired(upsert: LoadedVideo[], remove: string[]): void {
    const next = new Map(desired);
    for (const name of remove) next.delete(name);
    for (const v of upsert) {
      if (selected(v)) next.set(v.name, v);
      else next.delete(v.name);
    }
    const touched = upsert.map((v) => v.name);
    install(next, touched, [...remove, ...touched], 'priority');
  }

  /**
   * Makes `next` the desired set: of the `touched` names, those new or changed are queued in `lane`; of the
   * `maybeGone` names, those no longer desired give up their slot or place in line (waiting videos are woken).
   */
  function install(next: Map<string, LoadedVideo>, touched: Iterable<string>, maybeGone: Iterable<string>, lane: 'priority' | 'bulk'): void {
    const prev = desired;
    desired = next;
    seeded = true;
    recover(); // before the first step can ask for a slot or budget
    for (const name of new Set(touched)) {
      const v = next.get(name);
      const old = prev.get(name);
      if (v && (!old || desiredKey(old) !== desiredKey(v))) queue.add(name, lane);
    }
    for (const name of new Set(maybeGone)) if (prev.has(name) && !next.has(name)) for (const w of admission.release(name)) queue.add(w, 'priority');
  }

  /**
   * Recovery: unsettled attempts found at start hold their slot and their reservation (admission.ts), so
   * neither the concurrency nor --max-cost can be exceeded by a run that picks up an interrupted one.
   */
  let recovered = false;
  function recover(): void {
    if (recovered) return;
    recovered = true;
    admission.recover(state, desired, o.clock.now());
  }

  /** The daemon records its budget in the state, so `status` can say what is left. */
  function recordBudget(): void {
    if (o.budgetWindowMs === undefined) return;
    const want = o.maxCostUsd === undefined ? undefined : { maxCostUsd: o.maxCostUsd, windowHours: o.budgetWindowMs / 3_600_000 };
    const have = state.budget;
    if (have?.maxCostUsd === want?.maxCostUsd && have?.windowHours === want?.windowHours) return;
    if (want) state.budget = { ...want, setAt: new Date(o.clock.now()).toISOString() };
    else delete state.budget;
    writer.markStateDirty();
    // On disk now, not at the first render: `status` reads it while the daemon runs.
    writer.flush().catch((err: Error) => logger.warn({ err: err.message }, 'could not record the budget in the state yet; the next save will'));
  }

  return {
    setDesired,
    patchDesired,
    resync() {
      for (const name of desired.keys()) {
        env.drift.mark(name);
        queue.add(name);
      }
    },
    async runToCompletion(signal?: AbortSignal): Promise<ApplySummary> {
      signal?.addEventListener('abort', () => void this.stop(), { once: true });
      queue.giveUpAfter = o.giveUpAfter ?? DEFAULT_GIVE_UP_AFTER;
      recover();
      // Not again what setDesired queued or started: each would step twice (a poll round right after the submits).
      for (const name of desired.keys()) if (!queue.has(name)) queue.add(name);
      await queue.idle();
      if (fatal) {
        await writer.flushIfDirty().catch(() => undefined); // best effort: the disk may be the problem
        await o.eventLog?.flush();
        throw fatal;
      }
      for (const name of admission.closeRun(state)) writer.markDirty(name);
      await writer.close(); // the journal folded into one snapshot: a state at rest is one file
      await o.eventLog?.flush();
      return summary();
    },
    start() {
      recordBudget();
      recover();
      for (const name of desired.keys()) queue.add(name);
    },
    async stop() {
      stopping = true;
      abort.abort(new Error('stopping'));
      await queue.stop();
      await writer.close();
      await o.eventLog?.flush();
    },
    async flush() {
      await writer.flush();
    },
    status(): VideoStatus[] {
      return Object.values(state.videos).map((v) => ({
        name: v.name,
        phase: derivePhase(v, { suspend: desired.get(v.name)?.suspend }), // the metrics' phase gauge: from facts
        specHash: v.specHash,
        ...(v.attempts.at(-1) ? { taskUUID: v.attempts.at(-1)!.taskUUID } : {}),
        costUsd: v.costUsd,
        outputs: v.outputs.map((x) => ({ path: x.path, sha256: x.sha256, bytes: x.bytes })),
        ...(v.message ? { message: v.message } : {}),
        since: Date.parse(v.history.at(-1)?.at ?? v.updatedAt),
      }));
    },
    eachStatus(fn) {
      for (const v of Object.values(state.videos)) fn(v.name, derivePhase(v, { suspend: desired.get(v.name)?.suspend }), v.costUsd);
    },
    attempt: (name, taskUUID) => env.records.get(name)?.attempts.find((a) => a.taskUUID === taskUUID),
    wake: (name) => queue.add(name, 'priority'),
    isStopping: () => stopping,
    queueDepth: () => queue.depth(),
    budget: (): BudgetStatus | undefined => admission.status(o.clock.now()),
    queueAdds: () => queue.adds,
    onReconcile(listener) {
      passListeners.add(listener);
      return () => passListeners.delete(listener);
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  function summary(): ApplySummary {
    const s = { ready: 0, failed: 0, suspended: 0, submitted, spentUsd: admission.spentUsd, stoppedByGuard: guardStopped };
    const gaveUp = queue.givenUp();
    for (const name of desired.keys()) {
      const v = state.videos[name];
      const p = v && derivePhase(v, { suspend: desired.get(name)?.suspend });
      if (p === 'Ready') s.ready++;
      else if (p === 'Failed') s.failed++;
      else if (p === 'Suspended') s.suspended++;
      else if (gaveUp.has(name)) s.failed++;
    }
    return s;
  }
}
