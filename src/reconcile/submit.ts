// Submitting a render exactly once: a slot and budget from admission.ts → persist the intent (a fresh task
// UUID) durably → send. A crash anywhere leaves either no intent (nothing was sent) or an intent whose UUID
// is re-sent; `conflictTaskUUID` then confirms the first send. A new UUID is minted only after a known failure.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { failpoint } from '../failpoints.js';
import { withDefaults } from '../manifest/defaults.js';
import { estimateCostUsd, roundUsd } from '../pricing/prices.js';
import { ConditionType, Reason } from '../state/conditions.js';
import { markCost } from '../state/costs.js';
import type { Attempt, CostSource } from '../state/model.js';
import { clearCondition, iso, setCondition } from '../state/transitions.js';
import { attemptSpendUsd, DAY_MS, isUnsettled } from './budget.js';
import { syncPhase, transition, type Step } from './context.js';
import { bindRequest, isBoundTo, settleStaleIntent, type BoundRequest } from './intent.js';
import { firstPollSince, schedulePoll } from './poll-delay.js';
import { done, failed, requeue, type Result } from './result.js';

/** Sends of one task UUID (first send included) after which it is re-sent only with growing pauses. */
export const MAX_SENDS = 5;

/** Refusals that stop the whole run: every other render would be refused the same way. */
const ACCOUNT_FATAL = new Set(['unauthorized', 'insufficientCredits']);

export async function startRender(step: Step): Promise<Result> {
  const { env, deps, v, desired } = step;
  const adm = env.admission;
  if (env.halted()) return done;
  // Provenance: the manifest's commit now, when it is paid for. Asked before the checks below so that no
  // await separates the slot and budget checks from the intent they guard.
  const gitCommit = await deps.manifestCommit(path.resolve(desired.source.file));
  if (env.halted()) return done;
  if (adm.exhausted) {
    const reason = `not submitted: the --max-cost budget ($${adm.maxCostUsd}) is used up`;
    transition(step, 'Pending', reason);
    return { kind: 'guard-stopped', reason };
  }
  const estimate = estimateCostUsd(withDefaults(desired.request));
  if (desired.maxCostUsd !== undefined && estimate > desired.maxCostUsd) {
    const reason = `not submitted: estimated $${estimate} exceeds spec.maxCostUsd $${desired.maxCostUsd}`;
    transition(step, 'Pending', reason);
    return { kind: 'guard-stopped', reason };
  }
  const taskUUID = randomUUID();
  const now = deps.clock.now();
  const admitted = adm.admit(step.name, taskUUID, estimate, now);
  if (!admitted.ok && admitted.reason === 'slot') {
    syncPhase(step); // Pending by its facts (no attempt of the spec yet); the message stays
    return { kind: 'waiting-for-slot' };
  }
  if (!admitted.ok) {
    const left = adm.status(now);
    if (admitted.first) env.records.emit({ type: 'budget-exhausted', spentUsd: left?.spentUsd ?? 0, maxCostUsd: adm.maxCostUsd ?? 0, at: now });
    deps.logger.info(
      { video: step.name, estimateUsd: estimate, remainingUsd: left?.remainingUsd, maxCostUsd: adm.maxCostUsd },
      'not submitted: --max-cost budget',
    );
    if (admitted.retryInMs === undefined) {
      const reason = `not submitted: the --max-cost budget ($${adm.maxCostUsd}) would be exceeded`;
      transition(step, 'Pending', reason);
      return { kind: 'guard-stopped', reason };
    }
    // The daemon's rolling window: wait until the oldest counted spend leaves it.
    const reason = `waiting: the --max-cost budget ($${adm.maxCostUsd} per ${left?.windowHours ?? 24} h) would be exceeded; $${left?.remainingUsd ?? 0} left`;
    transition(step, 'Pending', reason);
    return { kind: 'guard-stopped', reason, retryAfterMs: admitted.retryInMs };
  }
  // The intent records the hash of the exact request it will carry (intent.ts); resolved once, sent as is.
  // The slot and the reservation are held meanwhile; no intent means nothing was sent, so nothing is owed.
  let bound: BoundRequest | undefined;
  try {
    bound = await bindRequest(deps, desired);
    if (env.halted()) bound = undefined;
    else failpoint('before-intent-persisted');
  } catch (err) {
    bound = undefined;
    throw err;
  } finally {
    if (!bound) for (const name of adm.cancel(step.name, taskUUID)) env.wake(name);
  }
  if (!bound) return done;
  const attempt: Attempt = {
    taskUUID,
    specHash: v.specHash,
    requestHash: bound.hash,
    createdAt: iso(now),
    state: 'intent',
    sends: 0,
    reservedUsd: estimate,
    ...(adm.runId ? { run: adm.runId } : {}),
    ...(gitCommit ? { gitCommit } : {}),
  };
  v.attempts.push(attempt);
  trimAttempts(v.attempts, now);
  transition(step, 'Pending', 'submitting', attempt.taskUUID);
  await env.records.flush(step.name); // the intent (and with it the spend entry) is durable before any money can be spent
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
  for (let i = 0; attempts.length > 20 && i < attempts.length - 20;) {
    if (keep(attempts[i]!)) i++;
    else attempts.splice(i, 1);
  }
}

/**
 * Sends (or re-sends) the attempt's task under its own UUID — only with the request it was made for
 * (intent.ts): an intent whose request has changed since is settled by a poll instead, never re-dressed.
 */
export async function send(step: Step, attempt: Attempt, resolved?: BoundRequest): Promise<Result> {
  const { env, deps, v, desired } = step;
  if (env.halted()) return done;
  env.admission.hold(step.name);
  const bound = resolved ?? (await bindRequest(deps, desired));
  if (!isBoundTo(attempt, bound, desired)) return settleStaleIntent(step, attempt);
  attempt.sends++;
  const outcome = await deps.client.submit({ taskUUID: attempt.taskUUID, request: bound.request }, { signal: env.signal });
  failpoint('after-submit');
  if (outcome.status === 'accepted') {
    // The first poll is due a poll delay after the submits that travelled with this one were all answered,
    // not after the save below (poll-delay.ts, firstPollSince).
    const answeredAt = deps.clock.elapsed();
    const together = deps.client.submitsSettled?.();
    attempt.state = 'accepted';
    clearCondition(v, ConditionType.RemoteUnknown);
    transition(step, 'Submitted', undefined, attempt.taskUUID);
    env.records.emit({ type: 'submitted', name: step.name, taskUUID: attempt.taskUUID, estimatedCostUsd: attempt.reservedUsd, at: deps.clock.now() });
    await env.records.flush(step.name);
    failpoint('after-submit-persisted');
    env.polls.reset(step.name);
    return requeue(schedulePoll(deps, env.polls, step.name, 0, await firstPollSince(deps, together, answeredAt, env.signal)));
  }
  if (outcome.status === 'rejected') {
    attempt.state = 'failed';
    attempt.error = { code: outcome.error.code, message: outcome.error.message, ...(outcome.error.parameter ? { parameter: outcome.error.parameter } : {}) };
    // No account or no credit: no other render can succeed either, so the run stops. It says so at once
    // (no await before the Result, and no waiting video woken into a submit); the controller saves the record.
    const fatal = ACCOUNT_FATAL.has(outcome.error.code);
    finishAttempt(step, attempt, 0, 'api', !fatal); // the API refused it: nothing charged
    transition(step, 'Failed', `Runware refused the task: ${outcome.error.code}: ${outcome.error.message}`);
    env.records.emit({
      type: 'failed',
      name: step.name,
      reason: outcome.error.code,
      message: `${outcome.error.code}: ${outcome.error.message}`,
      at: deps.clock.now(),
    });
    if (fatal) return { kind: 'terminal', error: outcome.error };
    await env.records.flush(step.name);
    return done;
  }
  // Unknown outcome: keep the intent; the next step re-sends the same UUID. After MAX_SENDS sends it keeps
  // doing so only with growing pauses, under a condition (apply gives the video up for the run, exit 1).
  deps.logger.warn({ video: step.name, taskUUID: attempt.taskUUID, code: outcome.error.code }, 'submit outcome unknown; will re-send the same task UUID');
  if (attempt.sends >= MAX_SENDS) {
    const why = `submit outcome still unknown after ${attempt.sends} sends of task ${attempt.taskUUID} (${outcome.error.code}); a new task UUID is never minted without a known failure`;
    setCondition(v, ConditionType.RemoteUnknown, 'True', Reason.SubmitUnanswered, why, deps.clock.now());
    return failed('submit', new Error(why));
  }
  v.message = `submit outcome unknown (${outcome.error.code}); retrying with the same task UUID`;
  env.records.markDirty(step.name);
  return requeue(deps.retryDelayMs);
}

/** The attempt left flight: settle its reservation and free its slot (admission.ts). */
export function finishAttempt(step: Step, attempt: Attempt, actualUsd: number, source: CostSource, wakeWaiting = true): void {
  const { env, v } = step;
  attempt.costUsd = roundUsd(actualUsd);
  v.costUsd = roundUsd(v.costUsd + actualUsd);
  markCost(v, attempt, source);
  for (const name of env.admission.finish(step.name, attempt, actualUsd, wakeWaiting)) env.wake(name);
}
