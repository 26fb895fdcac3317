// The one code path that computes a plan: `reelctl plan` and the plan `apply` shows before it acts (and
// asks about) come from the same inputs (outputs checked on disk). views/plan.ts renders it.
import type { LoadedVideo } from '../manifest/model.js';
import { createPlan } from '../plan/planner.js';
import type { Plan } from '../plan/model.js';
import type { StateFile } from '../state/model.js';
import { checkAllOutputs } from '../store/output-check.js';
import type { GlobalOptions } from './context.js';

export async function computePlan(
  videos: LoadedVideo[],
  state: StateFile | null,
  g: Pick<GlobalOptions, 'out' | 'selector'>,
  opts: { prune?: boolean; simulated?: boolean; verifyOutputs?: boolean } = {},
): Promise<Plan> {
  const status = await checkAllOutputs(g.out, state, { verify: !!opts.verifyOutputs });
  return createPlan(videos, state, {
    prune: !!opts.prune,
    selector: g.selector,
    outputStatus: (p) => status.get(p) ?? 'ok',
    ...(opts.simulated ? { simulated: true } : {}),
  });
}
