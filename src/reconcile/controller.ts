// The controller: owns the desired set, the state and the work queue; drives reconcileVideo per name.
// `apply` calls runToCompletion(); the daemon calls start()/setDesired()/resync()/stop().
import { setMaxListeners } from 'node:events';
import { silentLogger } from '../log.js';
import type { LoadedVideo } from '../manifest/model.js';
import { matchesSelector } from '../manifest/selector.js';
import { canonicalJson } from '../manifest/spec-hash.js';
import type { StateFile, StateStore } from '../state/model.js';
import { Admission } from './admission.js';
import type { BudgetStatus } from './budget.js';
import type { ApplySummary, Controller, ControllerEvent, ReconcileResult, VideoStatus } from './controller-api.js';
import { retryLater, type ReconcileDeps, type RunState } from './context.js';
import type { EventLog } from './event-log.js';
import { WorkQueue } from './queue.js';
import { StateWriter } from '../state/writer.js';
import { reconcileVideo } from './step.js';

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

export function createController(o: ControllerOptions): Controller & { runState: RunState } {
  const listeners = new Set<(e: ControllerEvent) => void>();
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // every in-flight request listens for shutdown
  const selector = o.selector ?? {};
  const logger = o.logger ?? silentLogger();
  const run: RunState = {
    desired: new Map(),
    state: o.state,
    writer: new StateWriter(o.store, o.state, o.journalMinVideos !== undefined ? { journalMinVideos: o.journalMinVideos } : {}),
    admission: new Admission({ concurrency: o.concurrency, ...(o.maxCostUsd !== undefined ? { maxCostUsd: o.maxCostUsd } : {}), ...(o.budgetWindowMs !== undefined ? { windowMs: o.budgetWindowMs } : {}), ...(o.simulated ? { simulated: true } : {}) }),
    pollCounts: new Map(),
    checkDrift: new Set(Object.keys(o.state.videos)),
    stopping: false,
    guardStopped: false,
    signal: abort.signal,
    submitted: 0,
    failures: new Map(),
    gaveUp: new Set(),
    emit(e) {
      o.eventLog?.append(e);
      for (const l of listeners) l(e);
    },
    wake: (name) => queue.add(name),
  };
  const passListeners = new Set<(r: ReconcileResult) => void>();
  // Each pass is timed and classified for /metrics; a failure is a pass that threw or counted a failure.
  const reconcilePass = async (name: string) => {
    const t0 = o.clock.elapsed();
    const before = run.failures.get(name) ?? 0;
    let result: ReconcileResult['result'] = 'error';
    try {
      const r = await reconcileVideo(o, run, name);
      result = (run.failures.get(name) ?? 0) > before ? 'error' : r?.requeueAfterMs !== undefined ? 'requeue_after' : 'success';
      return r;
    } finally {
      for (const l of passListeners) l({ name, result, seconds: (o.clock.elapsed() - t0) / 1000 });
    }
  };
  const queue = new WorkQueue(reconcilePass, o.clock, o.workers ?? Math.max(8, o.concurrency * 2), (name, err) => {
    const r = retryLater(run, { retryDelayMs: o.retryDelayMs, logger }, name, 'reconcile step', err);
    return r?.requeueAfterMs ?? -1; // -1: given up for this run
  });

  const selected = (v: LoadedVideo) => matchesSelector(v.labels, selector);

  function setDesired(videos: LoadedVideo[]): void {
    const next = new Map(videos.filter(selected).map((v) => [v.name, v]));
    const prev = run.desired;
    run.desired = next;
    recover(); // before the first step can ask for a slot or budget
    for (const [name, v] of next) {
      const old = prev.get(name);
      if (!old || desiredKey(old) !== desiredKey(v)) queue.add(name);
    }
    for (const name of prev.keys()) if (!next.has(name)) for (const w of run.admission.release(name)) queue.add(w);
  }

  function patchDesired(upsert: LoadedVideo[], remove: string[]): void {
    const next = new Map(run.desired);
    const dropped = remove.filter((name) => next.delete(name));
    const changed: string[] = [];
    for (const v of upsert) {
      const old = next.get(v.name);
      if (!selected(v)) {
        if (old) (next.delete(v.name), dropped.push(v.name));
        continue;
      }
      next.set(v.name, v);
      if (!old || desiredKey(old) !== desiredKey(v)) changed.push(v.name);
    }
    run.desired = next;
    recover();
    for (const name of changed) queue.add(name);
    for (const name of dropped) for (const w of run.admission.release(name)) queue.add(w);
  }

  /**
   * Recovery: unsettled attempts found at start hold their slot and their reservation (admission.ts), so
   * neither the concurrency nor --max-cost can be exceeded by a run that picks up an interrupted one.
   */
  let recovered = false;
  function recover(): void {
    if (recovered) return;
    recovered = true;
    run.admission.recover(run.state, run.desired, o.clock.now());
  }

  /** The daemon records its budget in the state, so `status` can say what is left. */
  function recordBudget(): void {
    if (o.budgetWindowMs === undefined) return;
    const want = o.maxCostUsd === undefined ? undefined : { maxCostUsd: o.maxCostUsd, windowHours: o.budgetWindowMs / 3_600_000 };
    const have = run.state.budget;
    if (have?.maxCostUsd === want?.maxCostUsd && have?.windowHours === want?.windowHours) return;
    if (want) run.state.budget = { ...want, setAt: new Date(o.clock.now()).toISOString() };
    else delete run.state.budget;
    run.writer.markStateDirty();
    // On disk now, not at the first render: `status` reads it while the daemon runs.
    run.writer.flush().catch((err: Error) => logger.warn({ err: err.message }, 'could not record the budget in the state yet; the next save will'));
  }

  return {
    runState: run,
    setDesired,
    patchDesired,
    resync() {
      for (const name of run.desired.keys()) {
        run.checkDrift.add(name);
        queue.add(name);
      }
    },
    async runToCompletion(signal?: AbortSignal): Promise<ApplySummary> {
      signal?.addEventListener('abort', () => void this.stop(), { once: true });
      run.giveUpAfter = o.giveUpAfter ?? DEFAULT_GIVE_UP_AFTER;
      recover();
      for (const name of run.desired.keys()) queue.add(name);
      await queue.idle();
      if (run.fatal) {
        await run.writer.flushIfDirty().catch(() => undefined); // best effort: the disk may be the problem
        await o.eventLog?.flush();
        throw run.fatal;
      }
      for (const name of run.admission.closeRun(run.state)) run.writer.markDirty(name);
      await run.writer.close(); // the journal folded into one snapshot: a state at rest is one file
      await o.eventLog?.flush();
      return summary();
    },
    start() {
      recordBudget();
      recover();
      for (const name of run.desired.keys()) queue.add(name);
    },
    async stop() {
      run.stopping = true;
      abort.abort(new Error('stopping'));
      await queue.stop();
      await run.writer.close();
      await o.eventLog?.flush();
    },
    status(): VideoStatus[] {
      return Object.values(run.state.videos).map((v) => ({
        name: v.name,
        phase: v.phase,
        specHash: v.specHash,
        ...(v.attempts.at(-1) ? { taskUUID: v.attempts.at(-1)!.taskUUID } : {}),
        costUsd: v.costUsd,
        outputs: v.outputs.map((x) => ({ path: x.path, sha256: x.sha256, bytes: x.bytes })),
        ...(v.message ? { message: v.message } : {}),
        since: Date.parse(v.history.at(-1)?.at ?? v.updatedAt),
      }));
    },
    queueDepth: () => queue.depth(),
    budget: (): BudgetStatus | undefined => run.admission.status(o.clock.now()),
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
    const s = { ready: 0, failed: 0, suspended: 0, submitted: run.submitted, spentUsd: run.admission.spentUsd, stoppedByGuard: run.guardStopped };
    for (const name of run.desired.keys()) {
      const p = run.state.videos[name]?.phase;
      if (p === 'Ready') s.ready++;
      else if (p === 'Failed') s.failed++;
      else if (p === 'Suspended') s.suspended++;
      else if (run.gaveUp.has(name)) s.failed++;
    }
    return s;
  }
}
