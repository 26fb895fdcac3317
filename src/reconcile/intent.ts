// An intent is bound to the request it was made for (issue 17). The write-ahead attempt stores the hash
// of the exact request it will send (the resolved request: local inputs by content), so after a crash the
// same task UUID is only ever sent with that same request. An intent made for another request is never
// re-dressed with the new one: the API is asked whether its UUID landed. Known → an accepted render of
// the spec it was made for (the supersede rules then apply to it). Not found → it never landed: dropped,
// nothing charged, and the desired spec gets a new render under a new UUID.
import { createHash } from 'node:crypto';
import type { LoadedVideo, VideoRequest } from '../manifest/model.js';
import { canonicalJson, specHash } from '../manifest/spec-hash.js';
import type { Attempt } from '../state/model.js';
import { syncPhase, type ReconcileDeps, type Step } from './context.js';
import { done, failed, requeue, type Result } from './result.js';
import { finishAttempt } from './submit.js';
import { isNotFoundCode } from '../provider/runware/items.js';

export interface BoundRequest {
  request: VideoRequest;
  /** `sha256:<hex>` of the request's canonical JSON, exactly as it is sent (without the task UUID). */
  hash: string;
}

export function requestHash(request: VideoRequest): string {
  return 'sha256:' + createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/** Resolves the request that would be sent now (local files read by content) and its hash. */
export async function bindRequest(deps: Pick<ReconcileDeps, 'resolveRequest'>, desired: LoadedVideo): Promise<BoundRequest> {
  const request = await deps.resolveRequest(desired);
  return { request, hash: requestHash(request) };
}

/**
 * May `attempt`'s UUID carry `bound`? Yes only when it was made for exactly that request. An intent
 * written before requests were hashed has only its spec hash to go by: it must match the desired spec.
 */
export function isBoundTo(attempt: Attempt, bound: BoundRequest, desired: LoadedVideo): boolean {
  if (attempt.requestHash !== undefined) return attempt.requestHash === bound.hash;
  return attempt.specHash === specHash(desired);
}

/**
 * An intent that may not be sent as the request now stands: poll its UUID instead of sending it. Whatever
 * the answer, the next step takes it from there (an accepted attempt under the supersede rules, or a
 * fresh render after a drop).
 */
export async function settleStaleIntent(step: Step, attempt: Attempt): Promise<Result> {
  const { env, deps } = step;
  if (env.halted()) return done;
  let o;
  try {
    o = await deps.client.poll(attempt.taskUUID, { signal: env.signal });
  } catch (err) {
    if (env.signal.aborted) return done;
    return failed('poll of an intent made for another request', err);
  }
  if (o.status === 'unknown' && !isNotFoundCode(o.error?.code)) {
    // No item for it, or an answer outside the protocol, is not "not found" (runware-protocol.md): the task may
    // have landed, so it is never dropped on such an answer. Ask again, a bounded number of times.
    return failed('poll of an intent made for another request', o.error ?? new Error('the API did not answer for this task'));
  }
  if (o.status === 'unknown') {
    attempt.state = 'abandoned';
    attempt.error = { code: 'intent.request-changed', message: 'never sent: the request changed before this intent reached the API' };
    deps.client.unwatch?.(attempt.taskUUID);
    finishAttempt(step, attempt, 0, 'api'); // the API does not know it: nothing was charged
    syncPhase(step, 'an intent made for an earlier request never reached the API; dropped');
    deps.logger.info(
      { video: step.name, taskUUID: attempt.taskUUID },
      'an intent made for an earlier request never reached the API; dropped, the current request gets a new task UUID',
    );
  } else {
    attempt.state = 'accepted'; // it landed, with the request it was made for (its own spec hash)
    syncPhase(step, 'an earlier request was accepted before a crash; it is followed under its own spec'); // Submitted
    deps.logger.info(
      { video: step.name, taskUUID: attempt.taskUUID, specHash: attempt.specHash },
      'an intent made for an earlier request had been accepted; following it under its own spec hash',
    );
  }
  await env.records.flush(step.name);
  return requeue(0);
}
