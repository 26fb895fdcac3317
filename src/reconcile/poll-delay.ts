// When a render is polled next: a poll delay after the event the poll follows, not after the step that
// handled that event ended (its saves, its own round trips).
import type { ReconcileDeps } from './context.js';

/**
 * The next poll is due a poll delay after `since` (clock.elapsed()): after the last poll was asked, not after
 * its answer came back (and the step ran). Counted from the answer, every round started one round trip and a
 * timer's lateness after the last, and over a 30 s render at 2 s polls the round that finds it finished came
 * ~0.1 s late on this machine; with a real API's round trips, later still. The first poll is counted from
 * when the submits sent together were all answered (submit.ts). The poll lane keeps rounds at least a round
 * apart whatever the callers ask, so a slow poll (retries) cannot make them more frequent.
 */
export function nextPollInMs(deps: ReconcileDeps, count: number, since: number): number {
  return Math.max(0, deps.pollDelayMs(count) - (deps.clock.elapsed() - since));
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
