// The seam between the reconciler and its drivers (`apply` once, `run` as a daemon).
// The controller owns the work queue and the state; drivers feed it desired state and read its status.
import type { LoadedVideo } from '../manifest/model.js';
import type { Attempt, Phase } from '../state/model.js';
import type { BudgetStatus } from './budget.js';
import type { Result } from './result.js';

export interface VideoStatus {
  name: string;
  phase: Phase;
  specHash: string;
  taskUUID?: string;
  costUsd: number;
  outputs: { path: string; sha256: string; bytes: number }[];
  message?: string;
  since: number; // ms epoch of the last phase change
}

/** Events the controller emits (also appended to the JSONL event log). */
export type ControllerEvent =
  | { type: 'phase'; name: string; from: Phase | undefined; to: Phase; message?: string; at: number }
  | { type: 'submitted'; name: string; taskUUID: string; estimatedCostUsd: number; at: number }
  | { type: 'ready'; name: string; outputs: string[]; costUsd: number; at: number }
  | { type: 'failed'; name: string; reason: string; message: string; at: number }
  | { type: 'budget-exhausted'; spentUsd: number; maxCostUsd: number; at: number }
  /** A step failed and the work queue tries it again in `retryInMs` (the schedule lives here and in memory, never in the state). */
  | { type: 'retry'; name: string; what: string; error: string; failures: number; retryInMs: number; at: number }
  /** apply: a step failed `failures` times in a row; the video is given up for this run (exit 1). */
  | { type: 'gave-up'; name: string; what: string; error: string; failures: number; at: number };

/** One reconcile pass: `error` = the step failed (it is retried), `requeue_after` = look again later. */
export interface ReconcileResult {
  name: string;
  result: 'success' | 'requeue_after' | 'error';
  seconds: number;
  /** The step's own Result (result.ts); absent when the pass threw before it had one. */
  step?: Result;
}

export interface ApplySummary {
  ready: number;
  failed: number;
  suspended: number;
  submitted: number;
  spentUsd: number;
  /** True when a budget or guard stopped new submissions (exit 3). */
  stoppedByGuard: boolean;
}

export interface Controller {
  /** Replaces the desired set (after a load); names whose spec changed are enqueued. */
  setDesired(videos: LoadedVideo[]): void;
  /** Changes part of the desired set (the daemon's reload of changed files): `upsert` by name, `remove` names. */
  patchDesired?(upsert: LoadedVideo[], remove: string[]): void;
  /** Enqueue every known video (periodic resync). */
  resync(): void;
  /** `apply`: work until every selected video is Ready, Failed or Suspended (or a guard stops). */
  runToCompletion(signal?: AbortSignal): Promise<ApplySummary>;
  /** `run`: start workers; they keep going until stop(). */
  start(): void;
  /** Graceful: stop taking work and submitting, let in-flight steps persist, resolve when quiet. */
  stop(): Promise<void>;
  /** Writes the state as it stands (after a change the driver made to it, e.g. prune). */
  flush(): Promise<void>;
  status(): VideoStatus[];
  /**
   * The phase (from facts) and settled cost of every recorded video, one call each, without building a
   * list: what /metrics reads at every scrape (status() builds an object per video, outputs included —
   * at 50,000 videos ~15 MB of garbage a scrape, issue 19's daemon peak memory).
   */
  eachStatus?(fn: (name: string, phase: Phase, costUsd: number) => void): void;
  /** A recorded attempt of `name` by task UUID (what a webhook hint is checked against), read-only. */
  attempt(name: string, taskUUID: string): Readonly<Attempt> | undefined;
  /** Look at `name` now (a hint, e.g. a webhook): only a step's own answer from the API changes the state. */
  wake(name: string): void;
  /** True once stop() was called. */
  isStopping(): boolean;
  /** Work queue depth, for /metrics. */
  queueDepth(): number;
  /** What --max-cost leaves (the daemon: in its rolling 24-hour window); undefined without a cap. */
  budget?(): BudgetStatus | undefined;
  /** Work queue adds since start, for /metrics. */
  queueAdds?(): number;
  /** Called after every reconcile pass of one video (controller-runtime's reconcile_total / reconcile_time). */
  onReconcile?(listener: (r: ReconcileResult) => void): () => void;
  on(listener: (e: ControllerEvent) => void): () => void;
}
