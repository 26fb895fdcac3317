// What a reconcile step needs: injected dependencies and the controller's live run state.
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { LoadedVideo, VideoRequest } from '../manifest/model.js';
import type { ProviderClient } from '../provider/types.js';
import type { Phase, StateFile, VideoState } from '../state/model.js';
import { setPhase } from '../state/transitions.js';
import type { ArtifactStore } from '../store/artifacts.js';
import type { Budget } from './budget.js';
import type { ControllerEvent } from './controller-api.js';
import type { StateWriter } from './state-writer.js';

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
}

export interface RunState {
  desired: Map<string, LoadedVideo>;
  state: StateFile;
  writer: StateWriter;
  budget: Budget;
  inflight: Set<string>;
  waitingForSlot: Set<string>;
  pollCounts: Map<string, number>;
  /** Names whose outputs must be checked against the disk on their next step (start, resync). */
  checkDrift: Set<string>;
  stopping: boolean;
  guardStopped: boolean;
  fatal?: Error;
  signal: AbortSignal;
  submitted: number;
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
