// A video's phase is a pure function of the facts its record holds (issue 18): the attempts of its current
// spec, their results, the verified outputs, the conditions observed, and whether the manifest suspends it.
// The state file still carries a `phase` (readers, compatibility); every reader decides from derivePhase.
// The table (docs/architecture.md, "Phase from facts"):
//
//   suspended and no attempt of the spec in flight                   → Suspended
//   no attempt of the current spec (or only abandoned ones)          → Pending
//     … but a download failed for good (its attempt trimmed away)     → Failed
//   latest attempt: intent (written before send, outcome unknown)    → Pending
//   latest attempt: accepted, no answer past the acceptance          → Submitted
//   latest attempt: accepted, the API reported it processing         → Running
//   latest attempt: failed                                           → Failed
//   latest attempt: succeeded, every downloadable result verified    → Ready
//   latest attempt: succeeded, a download failed for good            → Failed
//   latest attempt: succeeded, outputs still missing                 → Downloading
import type { Attempt, VideoState } from './model.js';
import type { ConditionType } from './conditions.js';

export const PHASES = ['Pending', 'Submitted', 'Running', 'Downloading', 'Ready', 'Failed', 'Suspended'] as const;
export type Phase = (typeof PHASES)[number];

/** Phases after which nothing more happens until the manifest changes. */
export const SETTLED_PHASES: ReadonlySet<Phase> = new Set<Phase>(['Ready', 'Failed', 'Suspended']);
/** A render paid for (or being paid for) and not finished on disk yet. */
export const IN_FLIGHT_PHASES: ReadonlySet<Phase> = new Set<Phase>(['Submitted', 'Running', 'Downloading']);

export interface PhaseContext {
  /** The manifest's spec.suspend now; without it, the fact recorded when the video was last reconciled. */
  suspend?: boolean;
}

const live = (a: Attempt) => a.state === 'intent' || a.state === 'accepted';

/** The attempt the record's current spec is working on: the latest one not abandoned. */
export function currentAttempt(v: Pick<VideoState, 'attempts' | 'specHash'>): Attempt | undefined {
  return v.attempts.findLast((a) => a.specHash === v.specHash && a.state !== 'abandoned');
}

/** Every result the API gave a URL for has a verified output of that task (delivered ones have no file). */
export function outputsComplete(v: Pick<VideoState, 'outputs'>, attempt: Attempt): boolean {
  const want = attempt.results?.filter((r) => r.videoURL).length ?? 0;
  return v.outputs.length === want && v.outputs.every((o) => o.taskUUID === attempt.taskUUID);
}

export function derivePhase(v: VideoState, ctx: PhaseContext = {}): Phase {
  const suspend = ctx.suspend ?? v.suspended === true;
  if (suspend && !v.attempts.some((a) => a.specHash === v.specHash && live(a))) return 'Suspended';
  const a = currentAttempt(v);
  if (!a) return downloadFailed(v) ? 'Failed' : 'Pending'; // a paid render's attempt trimmed away: never paid again
  switch (a.state) {
    case 'intent':
      return 'Pending';
    case 'accepted':
      return a.lastPoll === 'processing' ? 'Running' : 'Submitted';
    case 'failed':
      return 'Failed';
    default:
      if (outputsComplete(v, a)) return 'Ready';
      return downloadFailed(v) ? 'Failed' : 'Downloading';
  }
}

const downloadFailed = (v: Pick<VideoState, 'conditions'>) =>
  v.conditions.some((c) => c.type === ('DownloadFailed' satisfies ConditionType) && c.status === 'True');
