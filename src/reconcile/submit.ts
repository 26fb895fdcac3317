// Submitting a render exactly once: reserve budget → persist the intent (a fresh task UUID) durably →
// send. A crash anywhere leaves either no intent (nothing was sent) or an intent whose UUID is re-sent;
// `conflictTaskUUID` then confirms the first send. A new UUID is minted only after a known failure.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { failpoint } from '../failpoints.js';
import { withDefaults } from '../manifest/defaults.js';
import { estimateCostUsd, roundUsd } from '../pricing/prices.js';
import type { Attempt } from '../state/model.js';
import { iso } from '../state/transitions.js';
import { transition, type Step, type StepResult } from './context.js';

export async function startRender(step: Step): Promise<StepResult> {
  const { run, deps, v, desired } = step;
  if (run.stopping || run.fatal) return;
  // Provenance: the manifest's commit now, when it is paid for. Asked before the checks below so that no
  // await separates the slot and budget checks from the intent they guard.
  const gitCommit = await deps.manifestCommit(path.resolve(desired.source.file));
  if (run.stopping || run.fatal) return;
  if (run.budget.exhausted) {
    transition(step, 'Pending', `not submitted: the --max-cost budget ($${run.budget.maxCostUsd}) is used up`);
    run.guardStopped = true;
    return;
  }
  if (run.inflight.size >= deps.concurrency) {
    run.waitingForSlot.add(step.name);
    if (v.phase !== 'Pending') transition(step, 'Pending');
    return;
  }
  const estimate = estimateCostUsd(withDefaults(desired.request));
  if (desired.maxCostUsd !== undefined && estimate > desired.maxCostUsd) {
    transition(step, 'Pending', `not submitted: estimated $${estimate} exceeds spec.maxCostUsd $${desired.maxCostUsd}`);
    run.guardStopped = true;
    return;
  }
  if (!run.budget.tryReserve(estimate)) {
    run.guardStopped = true;
    run.emit({ type: 'budget-exhausted', spentUsd: run.budget.spentUsd, maxCostUsd: run.budget.maxCostUsd ?? 0, at: deps.clock.now() });
    transition(step, 'Pending', `not submitted: the --max-cost budget ($${run.budget.maxCostUsd}) would be exceeded`);
    return;
  }
  failpoint('before-intent-persisted');
  const attempt: Attempt = { taskUUID: randomUUID(), specHash: v.specHash, createdAt: iso(deps.clock.now()), state: 'intent', sends: 0, reservedUsd: estimate, ...(gitCommit ? { gitCommit } : {}) };
  v.attempts.push(attempt);
  if (v.attempts.length > 20) v.attempts.splice(0, v.attempts.length - 20);
  run.inflight.add(step.name);
  transition(step, 'Pending', 'submitting', attempt.taskUUID);
  await run.writer.flush(step.name); // the intent is durable before any money can be spent
  failpoint('after-intent-persisted');
  return send(step, attempt);
}

/** Sends (or re-sends) the attempt's task under its own UUID. */
export async function send(step: Step, attempt: Attempt): Promise<StepResult> {
  const { run, deps, v, desired } = step;
  if (run.stopping || run.fatal) return;
  run.inflight.add(step.name);
  const request = await deps.resolveRequest(desired);
  attempt.sends++;
  const outcome = await deps.client.submit({ taskUUID: attempt.taskUUID, request }, { signal: run.signal });
  failpoint('after-submit');
  if (outcome.status === 'accepted') {
    attempt.state = 'accepted';
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
    finishAttempt(step, attempt, 0);
    if (outcome.error.code === 'unauthorized' || outcome.error.code === 'insufficientCredits') run.fatal = outcome.error;
    transition(step, 'Failed', `Runware refused the task: ${outcome.error.message}`);
    run.emit({ type: 'failed', name: step.name, reason: outcome.error.code, message: outcome.error.message, at: deps.clock.now() });
    await run.writer.flush(step.name);
    return;
  }
  // Unknown outcome: keep the intent; the next step re-sends the same UUID.
  deps.logger.warn({ video: step.name, taskUUID: attempt.taskUUID, code: outcome.error.code }, 'submit outcome unknown; will re-send the same task UUID');
  v.message = `submit outcome unknown (${outcome.error.code}); retrying with the same task UUID`;
  run.writer.markDirty(step.name);
  return { requeueAfterMs: deps.retryDelayMs };
}

/** The attempt left flight: free its slot and settle its reservation. */
export function finishAttempt(step: Step, attempt: Attempt, actualUsd: number): void {
  const { run, v } = step;
  run.budget.settle(attempt.reservedUsd, actualUsd);
  attempt.costUsd = roundUsd(actualUsd);
  v.costUsd = roundUsd(v.costUsd + actualUsd);
  run.inflight.delete(step.name);
  // Copy first: waking runs steps synchronously, and they may queue themselves again.
  const waiting = [...run.waitingForSlot];
  run.waitingForSlot.clear();
  for (const name of waiting) run.wake(name);
}
