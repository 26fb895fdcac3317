// Retry timing: full-jitter exponential backoff (AWS architecture blog), Retry-After as a floor,
// a retry budget so a failing API is not hammered, and the per-task poll cadence.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export function fullJitter(attempt: number, o: BackoffOptions, random: () => number, floorMs = 0): number {
  const ceiling = Math.min(o.capMs, o.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(floorMs, Math.floor(random() * ceiling));
}

/** Token bucket: each retry spends a token, each success earns a fraction back. */
export class RetryBudget {
  private tokens: number;
  constructor(
    private readonly max = 20,
    private readonly earn = 0.2,
  ) {
    this.tokens = max;
  }
  take(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
  success(): void {
    this.tokens = Math.min(this.max, this.tokens + this.earn);
  }
}

/**
 * Delay before the n-th poll of a running task (n = 0 for the first, counted from its acceptance): `firstMs`,
 * then every `everyMs` — a steady interval, never earlier. Every poll that is due travels in the poll lane's
 * one batched round (poll-lane.ts), so there is no herd for jitter to spread; a jitter that may shorten a
 * delay lets the earliest of hundreds of draws (0.8 × the interval) set when the rounds come, and a back-off
 * let a lone task be noticed up to 1.5 intervals after it finished (issue 19).
 */
export function pollScheduleMs(pollCount: number, o: { firstMs: number; everyMs: number }): number {
  return pollCount <= 0 ? o.firstMs : o.everyMs;
}
