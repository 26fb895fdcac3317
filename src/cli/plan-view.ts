// The one code path that computes and prints a plan for people: `reelctl plan` and the plan `apply` shows
// before it acts (and asks about) are the same text, built from the same inputs (outputs checked on disk).
import type { LoadedVideo } from '../manifest/model.js';
import { createPlan } from '../plan/planner.js';
import type { Plan } from '../plan/model.js';
import { renderHuman } from './views/human.js';
import type { StateFile } from '../state/model.js';
import { checkAllOutputs } from '../store/output-check.js';
import type { GlobalOptions } from './context.js';
import type { Style } from './style.js';
import { usd } from '../text/usd.js';

export async function computePlan(videos: LoadedVideo[], state: StateFile | null, g: Pick<GlobalOptions, 'out' | 'selector'>, opts: { prune?: boolean; simulated?: boolean; verifyOutputs?: boolean } = {}): Promise<Plan> {
  const status = await checkAllOutputs(g.out, state, { verify: !!opts.verifyOutputs });
  return createPlan(videos, state, { prune: !!opts.prune, selector: g.selector, outputStatus: (p) => status.get(p) ?? 'ok', ...(opts.simulated ? { simulated: true } : {}) });
}

export function planText(plan: Plan, style: Style, opts: { showNoop?: boolean } = {}): string {
  return renderHuman(plan, style, opts);
}

/** One line for logs: the totals of the plan. */
export function planHeadline(plan: Plan): string {
  const s = plan.summary;
  return `${s.create} to create, ${s.replace} to replace, ${s.download} to download, ${s.move} to move, ${s.delete} to delete; estimated cost ${usd(s.estimatedCostUsd)}${s.attention ? `; ${s.attention} need attention` : ''}`;
}
