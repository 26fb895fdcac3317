// What `apply` tells its user on stderr (stdout is --json's, rendered by the status view): the plan it is
// about to carry out, a cancelled approval, what --prune archived, the closing summary, an interruption.
// For people: text (the plan as `reelctl plan` prints it), coloured on a terminal. With --log-format json:
// every one of them is a JSON log line with the same words as `msg` and the facts as fields.
import type { Plan } from '../../plan/model.js';
import { roundUsd } from '../../pricing/prices.js';
import type { ApplySummary } from '../../reconcile/controller-api.js';
import { printable } from '../../text/secrets.js';
import { usd } from '../../text/usd.js';
import { makeStyle } from '../style.js';
import { renderHuman } from './human.js';
import { renderJson } from './json.js';
import { planHeadline } from './plan.js';
import type { Out } from './view.js';

export interface ApplyView {
  /** The plan about to be carried out (before any approval). */
  plan(plan: Plan): void;
  cancelled(): void;
  pruned(names: string[], archived: string[], out: string): void;
  summary(sum: ApplySummary): void;
  interrupted(): void;
}

/** One structured log line (the apply command passes its pino logger's `info`/`error`). */
export type LogLine = (level: 'info' | 'error', fields: object, msg: string) => void;

const summaryLine = (sum: ApplySummary, simulated: boolean) =>
  `Apply complete: ${sum.ready} ready, ${sum.failed} failed, ${sum.suspended} suspended, ${sum.submitted} submitted, ${usd(sum.spentUsd)} spent${simulated ? ' (simulated)' : ''}.`;
const prunedLine = (names: string[], archived: string[], out: string) =>
  `pruned ${names.length} video(s); ${archived.length} file(s) archived under ${printable(out)}/.archive/`;
const CANCELLED = 'Apply cancelled: nothing was submitted.';
const INTERRUPTED = 'interrupted: in-flight renders are recorded and will be picked up by the next apply';

export function humanApplyView(err: Out, opts: { simulated: boolean }): ApplyView {
  const style = makeStyle(err);
  const say = (text: string) => void err.write(text + '\n');
  return {
    plan: (plan) => say(renderHuman(plan, style).replace(/\n$/, '') + (opts.simulated ? style.dim(' (simulated: nothing is spent)') : '')),
    cancelled: () => say(`\n${CANCELLED}`),
    pruned: (names, archived, out) => say(prunedLine(names, archived, out)),
    summary: (sum) => say((sum.failed ? style.red : style.green)(summaryLine(sum, opts.simulated))),
    interrupted: () => say(INTERRUPTED),
  };
}

export function jsonApplyView(log: LogLine, opts: { simulated: boolean }): ApplyView {
  return {
    plan: (plan) => log('info', { plan: JSON.parse(renderJson(plan)) as unknown, simulated: opts.simulated }, `plan: ${planHeadline(plan)}`),
    cancelled: () => log('info', {}, CANCELLED),
    pruned: (names, archived, out) => log('info', { pruned: names, archived }, prunedLine(names, archived, out)),
    summary: (sum) =>
      log(sum.failed ? 'error' : 'info', { ...sum, spentUsd: roundUsd(sum.spentUsd), simulated: opts.simulated }, summaryLine(sum, opts.simulated)),
    interrupted: () => log('info', {}, INTERRUPTED),
  };
}
