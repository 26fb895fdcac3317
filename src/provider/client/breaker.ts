// A circuit breaker for the submit lane: after a burst of consecutive failures, submits pause for a
// cool-down (polls go on, so running renders are still collected).

export class Breaker {
  private failures = 0;
  private openUntil = 0;
  constructor(
    private readonly now: () => number,
    private readonly threshold = 5,
    private readonly cooldownMs = 30_000,
  ) {}
  get open(): boolean {
    return this.now() < this.openUntil;
  }
  /** ms until submits may go again (0 when closed). */
  waitMs(): number {
    return Math.max(0, this.openUntil - this.now());
  }
  failure(): void {
    if (++this.failures >= this.threshold) {
      this.openUntil = this.now() + this.cooldownMs;
      this.failures = 0;
    }
  }
  success(): void {
    this.failures = 0;
  }
}
