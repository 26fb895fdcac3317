// What a poll's answer does to an acknowledged attempt (runware-protocol.md): results are recorded once
// (never more than numberResults asked for), a failure ends the attempt with the API's own code and
// message, and an answer that says nothing usable never turns into "pay again" or "give up on a paid
// render": a "not found" re-sends the SAME UUID a bounded number of times, anything else waits.
import { ProviderError } from '../errors.js';
import { FINAL_WHEN_ACKNOWLEDGED, isNotFoundCode } from '../provider/runware/items.js';
import type { RemoteVideo } from '../provider/types.js';
import { ConditionType, Reason } from '../state/conditions.js';
import type { Attempt } from '../state/model.js';
import { clearCondition, iso, setCondition } from '../state/transitions.js';
import { transition, type Step } from './context.js';
import { done, failed, type Result } from './result.js';
import { finishAttempt, MAX_SENDS, send } from './submit.js';

/** A failed render: the attempt ends Failed with the API's reason, nothing charged. */
export async function failRender(step: Step, attempt: Attempt, error: ProviderError): Promise<Result> {
  const { env, deps } = step;
  attempt.state = 'failed';
  attempt.error = { code: error.code, message: error.message, ...(error.parameter ? { parameter: error.parameter } : {}) };
  finishAttempt(step, attempt, 0, 'api');
  clearCondition(step.v, ConditionType.RemoteUnknown);
  transition(step, 'Failed', `render failed: ${error.code}: ${error.message}`, attempt.taskUUID);
  env.records.emit({ type: 'failed', name: step.name, reason: error.code, message: `${error.code}: ${error.message}`, at: deps.clock.now() });
  await env.records.flush(step.name);
  return done;
}

/** The finished results, recorded once: at most `want` of them, delivered ones marked with where they went. */
export async function recordResults(step: Step, attempt: Attempt, videos: RemoteVideo[], want: number): Promise<void> {
  const { env, deps, desired, v } = step;
  if (videos.length > want) {
    // Outside the protocol: never extra outputs, never extra cost. Logged once (the attempt settles now).
    deps.logger.warn(
      { video: step.name, taskUUID: attempt.taskUUID, got: videos.length, asked: want },
      `protocol error: Runware sent ${videos.length} results for numberResults ${want}; keeping the first ${want}`,
    );
  }
  const kept = videos.slice(0, want);
  const now = iso(deps.clock.now());
  const endpoint = attempt.specHash === v.specHash ? whereTo(desired.request.uploadEndpoint) : 'uploadEndpoint';
  attempt.results = kept.map((r) => ({
    videoUUID: r.videoUUID,
    ...(r.videoURL ? { videoURL: r.videoURL } : { deliveredTo: endpoint }),
    ...(r.seed !== undefined ? { seed: r.seed } : {}),
    ...(r.cost !== undefined ? { costUsd: r.cost } : {}),
    receivedAt: now,
  }));
  attempt.state = 'succeeded';
  clearCondition(v, ConditionType.RemoteUnknown);
  const reported = kept.every((r) => typeof r.cost === 'number');
  finishAttempt(step, attempt, reported ? kept.reduce((s, r) => s + (r.cost ?? 0), 0) : attempt.reservedUsd, reported ? 'api' : 'estimate');
  transition(step, 'Downloading', undefined, attempt.taskUUID); // saved with the results: the phase they give
  await env.records.flush(step.name);
}

/** The uploadEndpoint without its query (a presigned URL's signature is a secret: never stored). */
function whereTo(endpoint: unknown): string {
  if (typeof endpoint !== 'string') return 'uploadEndpoint';
  try {
    const u = new URL(endpoint);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'uploadEndpoint';
  }
}

/**
 * No usable answer for an acknowledged task. A final code ends it Failed; a "not found" re-sends the same
 * UUID (a conflictTaskUUID then confirms it) up to MAX_SENDS; anything else — no item, an unknown status, a
 * malformed item, the re-sends used up — waits with a condition and is polled again later (apply gives the
 * video up for the run after a few tries, exit 1; the daemon backs off). A new UUID is never minted here.
 */
export async function pollUnknown(step: Step, attempt: Attempt, error: ProviderError | undefined): Promise<Result> {
  const { deps, v } = step;
  const code = error?.code ?? 'no-answer';
  if (FINAL_WHEN_ACKNOWLEDGED.has(code)) return failRender(step, attempt, error!);
  if (isNotFoundCode(code) && attempt.sends < MAX_SENDS) {
    attempt.state = 'intent'; // re-sent under its own UUID: its outcome is unknown again until answered
    transition(step, 'Pending', `Runware does not know task ${attempt.taskUUID} (${code}); re-sending the same task UUID`, attempt.taskUUID);
    return send(step, attempt);
  }
  const why = isNotFoundCode(code)
    ? `Runware does not know task ${attempt.taskUUID} (${code}) after ${attempt.sends} sends; not sending it again — it is polled until Runware reports it`
    : `no usable answer for task ${attempt.taskUUID}: ${error?.message ?? 'no answer'}`;
  setCondition(v, ConditionType.RemoteUnknown, 'True', reasonOf(code), why, deps.clock.now());
  return failed('poll', new ProviderError(why, { code, kind: 'unknown-outcome', taskUUID: attempt.taskUUID }));
}

const reasonOf = (code: string): Reason =>
  code === 'no-answer'
    ? Reason.NoAnswer
    : code === 'protocol.unknown-status'
      ? Reason.UnknownStatus
      : code === 'malformed-item'
        ? Reason.MalformedAnswer
        : Reason.TaskNotFound;
