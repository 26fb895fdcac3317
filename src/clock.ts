// Time as an injected dependency, so the core can be tested without real timers.

export interface Clock {
  /** Milliseconds since the epoch: for timestamps only (it can jump when the wall clock is set). */
  now(): number;
  /** Monotonic milliseconds: for every interval, deadline and cadence, so a clock jump changes none. */
  elapsed(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  elapsed: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(t);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A manually advanced clock for tests: sleeps resolve when `advance` passes their deadline. */
export class FakeClock implements Clock {
  private t: number;
  private wallOffset = 0;
  private waiters: { at: number; resolve: () => void }[] = [];
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }
  now(): number {
    return this.t + this.wallOffset;
  }
  elapsed(): number {
    return this.t;
  }
  /** Moves the wall clock only (a jump): intervals, measured by elapsed(), are not affected. */
  jump(ms: number): void {
    this.wallOffset += ms;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const w = { at: this.t + Math.max(0, ms), resolve };
      this.waiters.push(w);
      signal?.addEventListener(
        'abort',
        () => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
  async advance(ms: number): Promise<void> {
    this.t += ms;
    const due = this.waiters.filter((w) => w.at <= this.t);
    this.waiters = this.waiters.filter((w) => w.at > this.t);
    for (const w of due) w.resolve();
    await new Promise((r) => setImmediate(r));
  }
}
