// Pure state transitions: every change to a video's record goes through these, so history stays bounded
// and conditions stay consistent. They mutate the given VideoState in place (the caller owns the copy).
import { ConditionType, Reason } from './conditions.js';
import { newLineage } from './file-store.js';
import { STATE_VERSION, type Condition, type StateFile, type VideoState } from './model.js';
import { currentAttempt, derivePhase, outputsComplete, type Phase, type PhaseContext } from './phase.js';

const HISTORY_LIMIT = 6;

export function emptyState(lineage: string = newLineage()): StateFile {
  return { version: STATE_VERSION, serial: 0, lineage, videos: {} };
}

export function newVideoState(init: Pick<VideoState, 'name' | 'specHash' | 'regenerate' | 'outputPath'> & Partial<VideoState>, now: number): VideoState {
  return { phase: 'Pending', attempts: [], outputs: [], costUsd: 0, conditions: [], history: [], updatedAt: iso(now), ...init };
}

export function setPhase(v: VideoState, phase: Phase, now: number, message?: string, taskUUID?: string): void {
  recordPhaseFacts(v, phase, now, message, taskUUID);
  storePhase(v, phase, now, message);
}

/**
 * The reconciler's phase change (reconcile/context.ts, transition): records the facts the reported change
 * implies, then stores the phase those facts give (derivePhase with `ctx`, the manifest's suspend) — the
 * stored phase is never anything else. Returns the phase stored.
 */
export function settlePhase(v: VideoState, requested: Phase, now: number, ctx: PhaseContext, message?: string, taskUUID?: string): Phase {
  recordPhaseFacts(v, requested, now, message, taskUUID);
  const phase = derivePhase(v, ctx);
  if (phase !== requested) recordPhaseFacts(v, phase, now, message, taskUUID); // e.g. Suspended by the manifest
  storePhase(v, phase, now, message);
  return phase;
}

function storePhase(v: VideoState, phase: Phase, now: number, message: string | undefined): void {
  const changed = v.phase !== phase || v.message !== message;
  v.phase = phase;
  if (message === undefined) delete v.message;
  else v.message = message;
  v.updatedAt = iso(now);
  if (!changed && v.history.length > 0) return;
  // Kept short (the spec hash abbreviated, no task UUID — attempts hold those): a state with 10,000
  // videos must save fast. The event log has the full story.
  v.history.push({ at: iso(now), phase, specHash: v.specHash.slice(0, 19), ...(message ? { message } : {}) });
  if (v.history.length > HISTORY_LIMIT) v.history.splice(0, v.history.length - HISTORY_LIMIT);
  setCondition(v, ConditionType.Ready, phase === 'Ready' ? 'True' : 'False', phase, message ?? phaseMessage(phase), now);
}

/**
 * The facts a phase change reports that the record did not hold yet, so that derivePhase (state/phase.ts)
 * gives back the same phase: the API's "processing" for the task (Running), or a fresh acceptance
 * replacing it (Submitted); a download that failed for good (Failed with a succeeded render); the
 * manifest's suspend (Suspended). Every other phase follows from the attempts and outputs already.
 */
function recordPhaseFacts(v: VideoState, phase: Phase, now: number, message: string | undefined, taskUUID: string | undefined): void {
  const task = taskUUID === undefined ? undefined : v.attempts.find((a) => a.taskUUID === taskUUID);
  if (phase === 'Running' && task?.state === 'accepted') task.lastPoll = 'processing';
  if (phase === 'Submitted' && task) delete task.lastPoll;
  if (phase === 'Suspended') v.suspended = true;
  else delete v.suspended;
  const a = currentAttempt(v);
  if (phase === 'Failed' && a?.state === 'succeeded' && !outputsComplete(v, a)) {
    const expired = v.conditions.some((c) => c.type === ConditionType.Drifted && c.reason === Reason.DownloadExpired && c.status === 'True');
    setCondition(v, ConditionType.DownloadFailed, 'True', expired ? Reason.DownloadExpired : Reason.DownloadRefused, message ?? 'download failed', now);
  } else if (phase !== 'Failed') clearCondition(v, ConditionType.DownloadFailed);
}

export function setCondition(v: VideoState, type: ConditionType, status: Condition['status'], reason: Reason, message: string, now: number): void {
  const existing = v.conditions.find((c) => c.type === type);
  if (existing) {
    if (existing.status !== status) existing.lastTransitionTime = iso(now);
    existing.status = status;
    existing.reason = reason;
    existing.message = message;
  } else v.conditions.push({ type, status, reason, message, lastTransitionTime: iso(now) });
}

export function clearCondition(v: VideoState, type: ConditionType): void {
  v.conditions = v.conditions.filter((c) => c.type !== type);
}

function phaseMessage(phase: Phase): string {
  return {
    Pending: 'waiting to be submitted',
    Submitted: 'submitted, waiting for the render to start',
    Running: 'rendering',
    Downloading: 'downloading the result',
    Ready: 'rendered, downloaded and verified',
    Failed: 'failed',
    Suspended: 'suspended by the manifest',
  }[phase];
}

export const iso = (ms: number): string => new Date(ms).toISOString();
