// The submit lane's request rate: a token bucket (a small burst goes at once, then `rps`) whose rate
// follows AIMD — additive increase on success, halved on 429 (TCP-style).

/** Requests the bucket holds at start (and after a quiet spell): they go at once, then `rps` paces. */
export const SUBMIT_BURST = 10;

export class AimdRate {
  private rps: number;
  private tokens: number;
  private last = -1;
  constructor(
    private readonly maxRps: number,
    private readonly burst = SUBMIT_BURST,
    private readonly minRps = 0.2,
  ) {
    this.rps = maxRps;
    this.tokens = burst;
  }
  get current(): number {
    return this.rps;
  }
  /** ms to wait before the next request may start; reserves the token. */
  reserve(now: number): number {
    if (this.last >= 0) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rps) * 1000);
  }
  success(): void {
    this.rps = Math.min(this.maxRps, this.rps + 0.1 * this.maxRps);
  }
  throttled(): void {
    this.rps = Math.max(this.minRps, this.rps / 2);
    this.tokens = Math.min(this.tokens, 0);
  }
}
