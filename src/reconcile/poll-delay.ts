// When a render is polled next: a poll delay after the event the poll follows, not after the step that
// handled that event ended (its saves, its own round trips).
import type { ReconcileDeps, StepEnv } from './context.js';

/**
 * Schedules a render's next poll a poll delay (`deps.pollDelayMs(count)`) after `since` (clock.elapsed()) and
 * returns the step's requeue delay. `since` is when the last poll was due or asked (pollPhase), never when its
 * answer came back: counted from the answer, every round started one round trip and a timer's lateness after
 * the last, and over a 30 s render at 2 s polls the round that finds it finished came ~0.1 s late on this
 * machine. The first poll counts from when the submits sent together were all answered (firstPollSince). The
 * due time is kept (StepEnv.polls) for the poll that runs then. The poll lane keeps rounds at least a round
 * apart whatever the callers ask, so a slow poll (retries) cannot make them more frequent.
 */
export function schedulePoll(deps: ReconcileDeps, polls: StepEnv['polls'], name: string, count: number, since: number): number {
  const due = since + deps.pollDelayMs(count);
  polls.setDue(name, due);
  return Math.max(0, due - deps.clock.elapsed());
}

/**
 * Where the next poll delay counts from: when this poll was due, when it was asked about then (within half the
 * next delay), else when it was asked. A poll is asked a little after it is due (a timer's lateness, the queue
 * starting hundreds of due steps one after another); counted from when each was asked, those milliseconds
 * added up round after round (~1 ms a round here: after 15 rounds, the round that found 200 renders finished
 * came ~10 ms after their end instead of ~1). A poll asked much later or sooner (a retry, a full queue, a wake
 * by a finished ride) starts a new phase from when it was asked.
 */
export function pollPhase(due: number | undefined, askedAt: number, nextDelayMs: number): number {
  return due !== undefined && Math.abs(askedAt - due) <= nextDelayMs / 2 ? due : askedAt;
}

/** How long a submit step waits, at most, for the submits that travelled with its own (see firstPollSince). */
export const TOGETHER_WAIT_MAX_MS = 1000;

/**
 * Where a render's first poll delay counts from: when the submit requests that travelled with its own were
 * all answered (`together`, from ProviderClient.submitsSettled), so renders accepted together are polled
 * together. A round phased from this batch's own answer can fall a few ms before the last batch's renders
 * end, and those are then found a whole round late. Waited for at most TOGETHER_WAIT_MAX_MS (half the first
 * poll delay when that is shorter) from this submit's answer: a batch still being retried does not hold the
 * step; the delay then counts from now. Without `together` (a client that cannot tell): from now.
 */
export async function firstPollSince(deps: ReconcileDeps, together: Promise<number> | undefined, answeredAt: number, signal: AbortSignal): Promise<number> {
  if (!together) return deps.clock.elapsed();
  const left = Math.min(TOGETHER_WAIT_MAX_MS, deps.pollDelayMs(0) / 2) - (deps.clock.elapsed() - answeredAt);
  const stop = new AbortController();
  const timeUp = deps.clock.sleep(Math.max(0, left), AbortSignal.any([signal, stop.signal])).then(
    () => undefined,
    () => undefined,
  );
  try {
    return (await Promise.race([together, timeUp])) ?? deps.clock.elapsed();
  } finally {
    stop.abort();
  }
}
