// What a reconcile step may see and do. Injected dependencies (ReconcileDeps), the desired set read-only,
// the records through a narrow interface (the controller owns the state and its writer), admission, and
// the run's stop as a question (halted()). A step changes its own video's record and returns a Result
// (result.ts); it sets no flag anywhere else.
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { LoadedVideo, VideoRequest } from '../manifest/model.js';
import type { ProviderClient } from '../provider/types.js';
import type { Phase, VideoState } from '../state/model.js';
import { derivePhase } from '../state/phase.js';
import { settlePhase } from '../state/transitions.js';
import type { ArtifactStore } from '../store/artifacts.js';
import type { Admission } from './admission.js';
import type { ControllerEvent } from './controller-api.js';

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
  /** Base delay for retrying a step after a transient error (the work queue doubles it per failure). */
  retryDelayMs: number;
  pollDelayMs: (pollCount: number) => number;
  /** --simulate: every record written is marked simulated (a real run never takes it for a real render). */
  simulated?: boolean;
  /** --verify-outputs: hash every output file, even when its size, mtime and inode are as recorded. */
  verifyOutputs?: boolean;
}

/** The video records, as the controller lets a step touch them (it owns the state and the writer). */
export interface Records {
  get(name: string): VideoState | undefined;
  /** A new record (or a fresh one in place of a discarded one). */
  put(v: VideoState): void;
  drop(name: string): void;
  markDirty(name: string): void;
  /** Resolves once `name`'s record as it stands is durable: before a side effect that must follow it. */
  flush(name: string): Promise<void>;
  emit(e: ControllerEvent): void;
}

/** What every step of one controller shares; built once by the controller, read-only to steps. */
export interface StepEnv {
  readonly desired: ReadonlyMap<string, Readonly<LoadedVideo>>;
  readonly records: Records;
  /** Concurrency slots, the waiting list and the --max-cost budget, in one owner. */
  readonly admission: Admission;
  readonly signal: AbortSignal;
  /** The run is stopping or hit a terminal error: start and send nothing new. */
  halted(): boolean;
  wake(name: string): void;
  /** Outputs to check against the disk on a name's next step (start, resync): take() consumes the check. */
  readonly drift: { take(name: string): boolean; mark(name: string): void };
  /**
   * Polls of a video's current render since it was accepted (the poll delay grows with it), and when its next
   * poll is due (clock.elapsed()), so each poll counts from when the last was due, not from when it ran.
   */
  readonly polls: { next(name: string): number; reset(name: string): void; due(name: string): number | undefined; setDue(name: string, at: number): void };
}

export interface Step {
  deps: ReconcileDeps;
  env: StepEnv;
  name: string;
  v: VideoState;
  desired: Readonly<LoadedVideo>;
}

/** The phase the record's facts give now (state/phase.ts), under the manifest's suspend: what a step decides from. */
export function phaseOf(step: Pick<Step, 'v' | 'desired'>): Phase {
  return derivePhase(step.v, { suspend: step.desired.suspend });
}

/**
 * Phase change + event + dirty mark, in one place. `phase` is the change the step reports; the facts it
 * implies are recorded and the phase stored is the one the record's facts then give (settlePhase), so the
 * stored phase always equals derivePhase. Returns the phase stored.
 */
export function transition(step: Step, phase: Phase, message?: string, taskUUID?: string): Phase {
  const from = step.v.phase;
  const was = step.v.message;
  if (from === phase && step.v.message === message && phaseOf(step) === phase) return phase;
  const to = settlePhase(step.v, phase, step.deps.clock.now(), { suspend: step.desired.suspend }, message, taskUUID);
  step.env.records.markDirty(step.name);
  if (to !== from || message !== was)
    step.env.records.emit({ type: 'phase', name: step.name, from, to, ...(message ? { message } : {}), at: step.deps.clock.now() });
  return to;
}

/**
 * After a step changed facts without reporting a phase (an attempt accepted, re-sent, or finished): store
 * the phase the facts now give, keeping the record's message unless a new one is given. A no-op when the
 * stored phase already is the derived one.
 */
export function syncPhase(step: Step, message: string | undefined = step.v.message): Phase {
  const phase = phaseOf(step);
  if (step.v.phase === phase && step.v.message === message) return phase;
  return transition(step, phase, message);
}
