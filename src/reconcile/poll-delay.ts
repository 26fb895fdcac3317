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
