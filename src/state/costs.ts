// Every cost the state records says where it comes from (issue 18): 'api' when the API reported it (or
// answered that nothing was charged), 'estimate' when reelctl's reservation stands in for a cost it will
// never learn (an abandoned render, a result without a reported cost).
import type { Attempt, CostSource, VideoState } from './model.js';

/** Marks the attempt's settled cost (already in attempt.costUsd and added to v.costUsd) with its source. */
export function markCost(v: VideoState, attempt: Attempt, source: CostSource): void {
  attempt.costSource = source;
  v.costSource = v.costSource === 'estimate' || source === 'estimate' ? 'estimate' : 'api';
}

/**
 * The source of a settled attempt's cost. A state written before costs were marked (version 2) says
 * nothing: a cost every result reported is the API's; an abandoned render's or an unreported one's was the
 * reservation (an estimate); a failed or never-sent task was charged nothing, as the API answered.
 */
export function costSourceOf(a: Attempt): CostSource | undefined {
  if (a.costSource) return a.costSource;
  if (a.costUsd === undefined) return undefined;
  if (a.state === 'abandoned') return a.costUsd > 0 ? 'estimate' : 'api';
  if (a.state === 'succeeded') return a.results?.length && a.results.every((r) => typeof r.costUsd === 'number') ? 'api' : 'estimate';
  return 'api';
}

/** The source of a video's total: an estimate when any settled attempt's cost is one. */
export function videoCostSource(v: VideoState): CostSource | undefined {
  if (v.costSource) return v.costSource;
  const sources = v.attempts.map(costSourceOf).filter((s) => s !== undefined);
  if (sources.includes('estimate')) return 'estimate';
  return sources.length > 0 ? 'api' : undefined;
}
