// AIMD request rate for the submit lane: additive increase on success, halve on 429 (TCP-style).

export class AimdRate {
  private rps: number;
  private nextAt = 0;
  constructor(
    private readonly maxRps: number,
    private readonly minRps = 0.2,
  ) {
    this.rps = maxRps;
  }
  get current(): number {
    return this.rps;
  }
  /** ms to wait before the next request may start; reserves the slot. */
  reserve(now: number): number {
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + 1000 / this.rps;
    return at - now;
  }
  success(): void {
    this.rps = Math.min(this.maxRps, this.rps + 0.1 * this.maxRps);
  }
  throttled(): void {
    this.rps = Math.max(this.minRps, this.rps / 2);
  }
}
