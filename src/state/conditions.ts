// Condition types and reasons, named once (issue 18): every condition a record carries uses these, and the
// test doubles' stores refuse a write with any other (test/doubles/memory-store.ts, the e2e invariants).
import type { Condition } from './model.js';
import { PHASES, type Phase } from './phase.js';

export const ConditionType = {
  /** Mirrors the phase (status True only when Ready); its reason is the phase. */
  Ready: 'Ready',
  /** An output changed on disk, or its URL expired before it was downloaded. */
  Drifted: 'Drifted',
  /** The API gave no usable answer for a task that may be paid for. */
  RemoteUnknown: 'RemoteUnknown',
  /** plan --verify-remote's dry run started a render (the API ignored the dry-run header). */
  DryRunStarted: 'DryRunStarted',
  /** A finished render's download failed for good (expired URL, a file that can never verify). */
  DownloadFailed: 'DownloadFailed',
  /**
   * The video's last reconcile step failed and will be tried again (or was given up for the run): set by
   * the reconciler when a step fails, removed when a step succeeds. A fact (what failed), never a schedule.
   */
  StepFailing: 'StepFailing',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

const phaseReasons = Object.fromEntries(PHASES.map((p) => [p, p])) as { readonly [P in Phase]: P };

export const Reason = {
  ...phaseReasons,
  // RemoteUnknown
  SubmitUnanswered: 'SubmitUnanswered',
  NoAnswer: 'NoAnswer',
  UnknownStatus: 'UnknownStatus',
  MalformedAnswer: 'MalformedAnswer',
  TaskNotFound: 'TaskNotFound',
  // Drifted, DownloadFailed
  DownloadExpired: 'DownloadExpired',
  OutputDrifted: 'OutputDrifted',
  DownloadRefused: 'DownloadRefused',
  // DryRunStarted
  DryRunNotDry: 'DryRunNotDry',
  // StepFailing: what failed
  DownloadFailing: 'DownloadFailing',
  PollFailing: 'PollFailing',
  SubmitFailing: 'SubmitFailing',
  StepFailing: 'StepFailing',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

const TYPES: ReadonlySet<string> = new Set(Object.values(ConditionType));
const REASONS: ReadonlySet<string> = new Set(Object.values(Reason));

/** The conditions whose type or reason is not one of the named ones (empty when all are known). */
export function unknownConditions(conditions: readonly Condition[]): Condition[] {
  return conditions.filter((c) => !TYPES.has(c.type) || !REASONS.has(c.reason));
}

/** The StepFailing reason for a failed step, by what failed (the `what` of a `failed` Result). */
export function stepFailingReason(what: string): Reason {
  if (what === 'download') return Reason.DownloadFailing;
  if (what.startsWith('poll')) return Reason.PollFailing;
  if (what === 'submit') return Reason.SubmitFailing;
  return Reason.StepFailing;
}
