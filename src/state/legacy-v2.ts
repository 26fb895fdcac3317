// State version 2 → 3 (issue 18): a version-2 record says nothing about where its costs came from, and its
// stored phase held facts the record did not. Both are written down once, on read: every settled cost gets
// its source (costs.ts), and the facts behind a stored Running, Suspended or download-Failed become part
// of the record, so derivePhase (phase.ts) gives back the phase the record was written with.
import { ConditionType, Reason } from './conditions.js';
import { costSourceOf, videoCostSource } from './costs.js';
import type { Condition, VideoState } from './model.js';
import { currentAttempt, outputsComplete } from './phase.js';

export function upgradeVideoV2(v: VideoState): void {
  if (!v || typeof v !== 'object' || !Array.isArray(v.attempts)) return; // the schema check reports it
  for (const a of v.attempts) {
    const source = a && typeof a === 'object' ? costSourceOf(a) : undefined;
    if (source && !a.costSource) a.costSource = source;
  }
  const total = videoCostSource(v);
  if (total && !v.costSource) v.costSource = total;
  const a = Array.isArray(v.outputs) && Array.isArray(v.conditions) ? currentAttempt(v) : undefined;
  if (v.phase === 'Suspended') v.suspended = true;
  if (v.phase === 'Running' && a?.state === 'accepted') a.lastPoll = 'processing';
  if (v.phase === 'Failed' && a?.state === 'succeeded' && !outputsComplete(v, a) && !v.conditions.some((c) => c.type === ConditionType.DownloadFailed)) {
    const expired = v.conditions.some((c) => c.type === ConditionType.Drifted && c.reason === Reason.DownloadExpired && c.status === 'True');
    const c: Condition = {
      type: ConditionType.DownloadFailed,
      status: 'True',
      reason: expired ? Reason.DownloadExpired : Reason.DownloadRefused,
      message: v.message ?? 'download failed',
      lastTransitionTime: v.updatedAt,
    };
    v.conditions.push(c);
  }
}
