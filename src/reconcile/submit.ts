// Submitting a render exactly once: a slot and budget from admission.ts → persist the intent (a fresh task
// UUID) durably → send. A crash anywhere leaves either no intent (nothing was sent) or an intent whose UUID
// is re-sent; `conflictTaskUUID` then confirms the first send. A new UUID is minted only after a known failure.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { failpoint } from '../failpoints.js';
import { withDefaults } from '../manifest/defaults.js';
import { estimateCostUsd, roundUsd } from '../pricing/prices.js';
import { markCost } from '../state/costs.js';
import type { Attempt, CostSource } from '../state/model.js';
import { clearCondition, iso, setCondition } from '../state/transitions.js';
import { attemptSpendUsd, DAY_MS, isUnsettled } from './budget.js';
import { retryLater, transition, type Step, type StepResult } from './context.js';
import { bindRequest, isBoundTo, settleStaleIntent, type BoundRequest } from './intent.js';

/** Sends of one task UUID (first send included) after which it is re-sent only with growing pauses. */
export const MAX_SENDS = 5;

export async function startRender(step: Step): Promise<StepResult> {
  const { run, deps, v, desired } = step;
  const adm = run.admission;
  if (run.stopping || run.fatal) return;
  // Provenance: the manifest's commit now, when it is paid for. Asked before the checks below so that no
  // await separates the slot and budget checks from the intent they guard.
  const gitCommit = await deps.manifestCommit(path.resolve(desired.source.file));
  if (run.stopping || run.fatal) return;
  if (adm.exhausted) {
    transition(step, 'Pending', `not submitted: the --max-cost budget ($${adm.maxCostUsd}) is used up`);
    run.guardStopped = true;
    return;
  }
  const estimate = estimateCostUsd(withDefaults(desired.request));
  if (desired.maxCostUsd !== undefined && estimate > desired.maxCostUsd) {
    transition(step, 'Pending', `not submitted: estimated $${estimate} exceeds spec.maxCostUsd $${desired.maxCostUsd}`);
    run.guardStopped = true;
    return;
  }
  const taskUUID = randomUUID();
  const now = deps.clock.now();
  const admitted = adm.admit(step.name, taskUUID, estimate, now);
  if (!admitted.ok && admitted.reason === 'slot') {
    if (v.phase !== 'Pending') transition(step, 'Pending');
    return;
  }
  if (!admitted.ok) {
    run.guardStopped = true;
    const left = adm.status(now);
    if (!run.budgetRefused) run.emit({ type: 'budget-exhausted', spentUsd: left?.spentUsd ?? 0, maxCostUsd: adm.maxCostUsd ?? 0, at: now });
    run.budgetRefused = true;
    deps.logger.info({ video: step.name, estimateUsd: estimate, remainingUsd: left?.remainingUsd, maxCostUsd: adm.maxCostUsd }, 'not submitted: --max-cost budget');
    if (admitted.retryInMs === undefined) {
      transition(step, 'Pending', `not submitted: the --max-cost budget ($${adm.maxCostUsd}) would be exceeded`);
      return;
    }
    // The daemon's rolling window: wait until the oldest counted spend leaves it.
    transition(step, 'Pending', `waiting: the --max-cost budget ($${adm.maxCostUsd} per ${left?.windowHours ?? 24} h) would be exceeded; $${left?.remainingUsd ?? 0} left`);
    return { requeueAfterMs: admitted.retryInMs };
  }
  run.budgetRefused = false;
  // The intent records the hash of the exact request it will carry (intent.ts); resolved once, sent as is.
  // The slot and the reservation are held meanwhile; no intent means nothing was sent, so nothing is owed.
  let bound: BoundRequest | undefined;
  try {
    bound = await bindRequest(deps, desired);
    if (run.stopping || run.fatal) bound = undefined;
    else failpoint('before-intent-persisted');
  } catch (err) {
    bound = undefined;
    throw err;
  } finally {
    if (!bound) for (const name of adm.cancel(step.name, taskUUID)) run.wake(name);
  }
  if (!bound) return;
  const attempt: Attempt = { taskUUID, specHash: v.specHash, requestHash: bound.hash, createdAt: iso(now), state: 'intent', sends: 0, reservedUsd: estimate, ...(adm.runId ? { run: adm.runId } : {}), ...(gitCommit ? { gitCommit } : {}) };
  v.attempts.push(attempt);
  trimAttempts(v.attempts, now);
  transition(step, 'Pending', 'submitting', attempt.taskUUID);
  await run.writer.flush(step.name); // the intent (and with it the spend entry) is durable before any money can be spent
  failpoint('after-intent-persisted');
  return send(step, attempt, bound);
}

/**
/**
 * Attempts are the spend ledger of the daemon's rolling window: keep the last 20, and any older one that
 * still counts (unsettled, or with spend in the last 24 hours), so trimming never frees budget.
 */
function trimAttempts(attempts: Attempt[], nowMs: number): void {
  const keep = (a: Attempt) => isUnsettled(a) || (attemptSpendUsd(a) > 0 && Date.parse(a.createdAt) > nowMs - DAY_MS);
  for (let i = 0; attempts.length > 20 && i < attempts.length - 20; ) {
    if (keep(attempts[i]!)) i++;
    else attempts.splice(i, 1);
  }
}

/**
 * Sends (or re-sends) the attempt's task under its own UUID — only with the request it was made for
 * (intent.ts): an intent whose request has changed since is settled by a poll instead, never re-dressed.
 */
export async function send(step: Step, attempt: Attempt, resolved?: BoundRequest): Promise<StepResult> {
  const { run, deps, v, desired } = step;
  if (run.stopping || run.fatal) return;
  run.admission.hold(step.name);
  const bound = resolved ?? (await bindRequest(deps, desired));
  if (!isBoundTo(attempt, bound, desired)) return settleStaleIntent(step, attempt);
  attempt.sends++;
  const outcome = await deps.client.submit({ taskUUID: attempt.taskUUID, request: bound.request }, { signal: run.signal });
  failpoint('after-submit');
  if (outcome.status === 'accepted') {
    attempt.state = 'accepted';
    clearCondition(v, 'RemoteUnknown');
    run.submitted++;
    transition(step, 'Submitted', undefined, attempt.taskUUID);
    run.emit({ type: 'submitted', name: step.name, taskUUID: attempt.taskUUID, estimatedCostUsd: attempt.reservedUsd, at: deps.clock.now() });
    await run.writer.flush(step.name);
    failpoint('after-submit-persisted');
    run.pollCounts.set(step.name, 0);
    return { requeueAfterMs: deps.pollDelayMs(0) };
  }
  if (outcome.status === 'rejected') {
    attempt.state = 'failed';
    attempt.error = { code: outcome.error.code, message: outcome.error.message, ...(outcome.error.parameter ? { parameter: outcome.error.parameter } : {}) };
    finishAttempt(step, attempt, 0, 'api'); // the API refused it: nothing charged
    if (outcome.error.code === 'unauthorized' || outcome.error.code === 'insufficientCredits') run.fatal = outcome.error;
    transition(step, 'Failed', `Runware refused the task: ${outcome.error.code}: ${outcome.error.message}`);
    run.emit({ type: 'failed', name: step.name, reason: outcome.error.code, message: `${outcome.error.code}: ${outcome.error.message}`, at: deps.clock.now() });
    await run.writer.flush(step.name);
    return;
  }
  // Unknown outcome: keep the intent; the next step re-sends the same UUID. After MAX_SENDS sends it keeps
  // doing so only with growing pauses, under a condition (apply gives the video up for the run, exit 1).
  deps.logger.warn({ video: step.name, taskUUID: attempt.taskUUID, code: outcome.error.code }, 'submit outcome unknown; will re-send the same task UUID');
  if (attempt.sends >= MAX_SENDS) {
    const why = `submit outcome still unknown after ${attempt.sends} sends of task ${attempt.taskUUID} (${outcome.error.code}); a new task UUID is never minted without a known failure`;
    setCondition(v, 'RemoteUnknown', 'True', 'SubmitUnanswered', why, deps.clock.now());
    return retryLater(run, deps, step.name, 'submit', new Error(why));
  }
  v.message = `submit outcome unknown (${outcome.error.code}); retrying with the same task UUID`;
  run.writer.markDirty(step.name);
  return { requeueAfterMs: deps.retryDelayMs };
}

/** The attempt left flight: settle its reservation and free its slot (admission.ts). */
export function finishAttempt(step: Step, attempt: Attempt, actualUsd: number, source: CostSource): void {
  const { run, v } = step;
  attempt.costUsd = roundUsd(actualUsd);
  v.costUsd = roundUsd(v.costUsd + actualUsd);
  markCost(v, attempt, source);
  for (const name of run.admission.finish(step.name, attempt, actualUsd)) run.wake(name);
}
