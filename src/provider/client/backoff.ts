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

/** Delay before the n-th poll of a task (n = 0 for the first): ~2 s, then ×1.5 with jitter, capped. */
export function pollDelayMs(pollCount: number, random: () => number = Math.random, o = { firstMs: 2000, factor: 1.5, capMs: 10_000 }): number {
  const base = Math.min(o.capMs, o.firstMs * o.factor ** pollCount);
  return Math.round(base * (0.8 + 0.4 * random()));
}
