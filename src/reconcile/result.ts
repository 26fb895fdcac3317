// The reconcile contract: a step returns one Result, and the Result is everything it tells the controller.
// No step sets a flag on a shared object; the controller (controller.ts, `apply()` of the run) maps each
// kind to the work queue and to the run's facts (fatal error, guard stop), in one place.
export type Result =
  /** Nothing to do until something changes (a new desired spec, a wake, a resync). */
  | { kind: 'done' }
  /** Look again after `afterMs` (a render in progress, a re-send of the same UUID): not a failure. */
  | { kind: 'requeue'; afterMs: number }
  /** No concurrency slot free: admission (admission.ts) keeps the name and wakes it when a slot frees. */
  | { kind: 'waiting-for-slot' }
  /** A step failed and may succeed later: the queue backs off (and `apply` gives up after a few). */
  | { kind: 'failed'; what: string; error: unknown }
  /** Retrying cannot help (disk full or read-only, unauthorized, insufficientCredits): the run stops. */
  | { kind: 'terminal'; error: Error }
  /** A guard refused to submit (--max-cost, spec.maxCostUsd). The daemon's rolling window retries later. */
  | { kind: 'guard-stopped'; reason: string; retryAfterMs?: number };

export const done: Result = { kind: 'done' };
export const requeue = (afterMs: number): Result => ({ kind: 'requeue', afterMs });
export const failed = (what: string, error: unknown): Result => ({ kind: 'failed', what, error });

/** A switch over Result kinds that forgets one does not compile. */
export function unreachable(x: never): never {
  throw new Error(`unhandled reconcile result: ${JSON.stringify(x)}`);
}
