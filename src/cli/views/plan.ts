// `reelctl plan` rendered: for people (views/human.ts, the diff `apply` also shows), as a pull-request
// comment (markdown.ts) or as the contract JSON (json.ts), each with the --verify-remote answers (remote.ts).
import type { Plan } from '../../plan/model.js';
import type { RemoteCheck } from '../../plan/remote-check.js';
import { usd } from '../../text/usd.js';
import { makeStyle } from '../style.js';
import { renderHuman } from './human.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { remoteJson, renderRemoteHuman, renderRemoteMarkdown } from './remote.js';
import type { Out } from './view.js';

export interface PlanResult {
  plan: Plan;
  /** The --verify-remote dry run, when asked for. */
  remote?: RemoteCheck;
}

export interface PlanView {
  render(r: PlanResult): void;
}

export type PlanFormat = 'human' | 'json' | 'markdown';

export const PLAN_VIEWS: Record<PlanFormat, (out: Out, opts?: { showNoop?: boolean }) => PlanView> = {
  human: (out, opts = {}) => {
    const style = makeStyle(out);
    return { render: ({ plan, remote }) => void out.write(renderHuman(plan, style, opts) + (remote ? renderRemoteHuman(remote, style) : '')) };
  },
  json: (out) => ({ render: ({ plan, remote }) => void out.write(renderJson(plan, remote ? { remote: remoteJson(remote) } : {})) }),
  markdown: (out) => ({ render: ({ plan, remote }) => void out.write(renderMarkdown(plan) + (remote ? renderRemoteMarkdown(remote) : '')) }),
};

/** One line for logs: the totals of the plan. */
export function planHeadline(plan: Plan): string {
  const s = plan.summary;
  return `${s.create} to create, ${s.replace} to replace, ${s.download} to download, ${s.move} to move, ${s.delete} to delete; estimated cost ${usd(s.estimatedCostUsd)}${s.attention ? `; ${s.attention} need attention` : ''}`;
}
