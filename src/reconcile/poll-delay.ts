// When a render is polled next. Polls keep their cadence: each is due a poll delay after the event it
// follows, not after the step that handled that event ended.
import type { ReconcileDeps } from './context.js';

/**
 * The next poll is due a poll delay after `since` (clock.elapsed()): after the last poll was asked, not after
 * its answer came back (and the step ran). Counted from the answer, every round started one round trip and a
 * timer's lateness after the last, and over a 30 s render at 2 s polls the round that finds it finished came
 * ~0.1 s late on this machine; with a real API's round trips, later still. The first poll is due a poll
 * delay after the submit was answered (the render runs from its acceptance), not after the save of
 * "Submitted" that follows (~20 ms when a batch of 50 is answered at once). The poll lane keeps rounds at
 * least a round apart whatever the callers ask, so a slow poll (retries) cannot make them more frequent.
 */
export function nextPollInMs(deps: ReconcileDeps, count: number, since: number): number {
  return Math.max(0, deps.pollDelayMs(count) - (deps.clock.elapsed() - since));
}
