// What a reconcile step needs: injected dependencies and the controller's live run state.
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { LoadedVideo, VideoRequest } from '../manifest/model.js';
import type { ProviderClient } from '../provider/types.js';
import type { Phase, StateFile, VideoState } from '../state/model.js';
import { setPhase } from '../state/transitions.js';
import type { ArtifactStore } from '../store/artifacts.js';
import type { Admission } from './admission.js';
import type { ControllerEvent } from './controller-api.js';
import type { StateWriter } from '../state/writer.js';

export interface ReconcileDeps {
  client: ProviderClient;
  artifacts: ArtifactStore;
  clock: Clock;
  logger: Logger;
  /** Max renders in flight (submitted and not finished). */
  concurrency: number;
  supersede: 'wait' | 'abandon';
  resolveRequest: (v: LoadedVideo) => Promise<VideoRequest>;
  manifestCommit: (file: string) => Promise<string | undefined>;
  random: () => number;
  /** Base delay for retrying a step after a transient error. */
  retryDelayMs: number;
  pollDelayMs: (pollCount: number) => number;
  /** --simulate: every record written is marked simulated (a real run never takes it for a real render). */
  simulated?: boolean;
  /** --verify-outputs: hash every output file, even when its size, mtime and inode are as recorded. */
  verifyOutputs?: boolean;
}

export interface RunState {
  desired: Map<string, LoadedVideo>;
  state: StateFile;
  writer: StateWriter;
  /** Concurrency slots, the waiting list and the --max-cost budget, in one owner. */
  admission: Admission;
  pollCounts: Map<string, number>;
  /** Names whose outputs must be checked against the disk on their next step (start, resync). */
  checkDrift: Set<string>;
  stopping: boolean;
  guardStopped: boolean;
  /** The budget refused the last render tried (one budget-exhausted event per episode, not per video). */
  budgetRefused?: boolean;
  fatal?: Error;
  signal: AbortSignal;
  submitted: number;
  /** Consecutive failed steps per video (reset by a step that fails nothing). */
  failures: Map<string, number>;
  /** apply: give a video up for this run after this many consecutive failures (the daemon never does). */
  giveUpAfter?: number;
  /** Videos given up for this run: they count as failed; the next run tries them again. */
  gaveUp: Set<string>;
  emit(e: ControllerEvent): void;
  wake(name: string): void;
}

export type StepResult = { requeueAfterMs?: number } | void;

export interface Step {
  deps: ReconcileDeps;
  run: RunState;
  name: string;
  v: VideoState;
  desired: LoadedVideo;
}

/** Phase change + event + dirty mark, in one place. */
export function transition(step: Step, phase: Phase, message?: string, taskUUID?: string): void {
  const from = step.v.phase;
  if (from === phase && step.v.message === message) return;
  setPhase(step.v, phase, step.deps.clock.now(), message, taskUUID);
  step.run.writer.markDirty(step.name);
  step.run.emit({ type: 'phase', name: step.name, from, to: phase, ...(message ? { message } : {}), at: step.deps.clock.now() });
}

/** Longest wait between retries of a failing step. */
export const MAX_RETRY_DELAY_MS = 5 * 60_000;

/**
 * A step that failed and may succeed later (a download, an unexpected error): retry with exponential
 * backoff. In `apply`, a video that keeps failing is given up for this run, so the run ends (exit 1)
 * instead of retrying forever; what was paid for stays recorded for the next run.
 */
export function retryLater(run: RunState, deps: Pick<ReconcileDeps, 'retryDelayMs' | 'logger'>, name: string, what: string, err: unknown): StepResult {
  const n = (run.failures.get(name) ?? 0) + 1;
  run.failures.set(name, n);
  const msg = err instanceof Error ? err.message : String(err);
  const v = run.state.videos[name];
  if (run.giveUpAfter !== undefined && n >= run.giveUpAfter) {
    run.gaveUp.add(name);
    if (v) v.message = `${what} failed ${n} times (${msg}); given up for this run — anything paid for is recorded, fix the cause and run apply again`;
    run.writer.markDirty(name);
    deps.logger.error({ video: name, err: msg, attempts: n }, `${what} failed ${n} times; giving up on this video for this run`);
    return;
  }
  const delay = Math.min(deps.retryDelayMs * 2 ** (n - 1), MAX_RETRY_DELAY_MS);
  if (v) v.message = `${what} failed (${msg}); retry ${n} in ${Math.round(delay / 1000)} s`;
  run.writer.markDirty(name);
  deps.logger.warn({ video: name, err: msg, attempt: n, retryInMs: delay }, `${what} failed; will retry`);
  return { requeueAfterMs: delay };
}
