// A work queue keyed by video name (controller-runtime's workqueue): one worker per key at a time,
// duplicates coalesced, delayed adds, bounded parallelism, and a rate limiter for failing keys
// (AddRateLimited / Forget / NumRequeues): consecutive failures per key, exponential backoff capped at
// MAX_RETRY_DELAY_MS, and — for `apply` — a limit after which a key is given up for this run.
// It knows nothing about videos. Failure counts and retry times live here, in memory: never in the state.
import type { Clock } from '../clock.js';

export type Handler = (key: string) => Promise<void>;

/** Longest wait between retries of a failing key. */
export const MAX_RETRY_DELAY_MS = 5 * 60_000;

/** What addRateLimited did with a failing key. */
export type RateLimited = { kind: 'retry'; failures: number; delayMs: number } | { kind: 'gave-up'; failures: number };

export interface WorkQueueOptions {
  /** Delay before the first retry of a failing key; it doubles per consecutive failure. */
  baseDelayMs: number;
  /** A handler that threw (a bug, not a step's result): the key is retried like a failure. */
  onError?: (key: string, err: unknown, r: RateLimited) => void;
}

export class WorkQueue {
  private due = new Map<string, number>(); // key → when it may run
  private active = new Set<string>();
  private again = new Set<string>(); // re-added while active
  private failures = new Map<string, number>(); // key → consecutive failures
  private gaveUp = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  /** Every add since creation (controller-runtime's workqueue_adds_total), for /metrics. */
  adds = 0;
  /** apply: a key that fails this many times in a row is given up (not requeued); undefined: never. */
  giveUpAfter: number | undefined;

  constructor(
    private readonly handler: Handler,
    private readonly clock: Clock,
    private readonly workers: number,
    private readonly o: WorkQueueOptions,
  ) {}

  add(key: string): void {
    this.addAfter(key, 0);
  }

  /** Run `key` once `delayMs` has passed (or sooner, if it is already due sooner). */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    this.adds++;
    const at = this.clock.elapsed() + delayMs;
    if (this.active.has(key)) {
      if (delayMs <= 0) this.again.add(key);
      else this.due.set(key, Math.min(this.due.get(key) ?? Infinity, at));
      return;
    }
    this.due.set(key, Math.min(this.due.get(key) ?? Infinity, at));
    this.pump();
  }

  /**
   * `key` failed: count it and add it back after an exponential backoff (base, 2×base, … capped), or — at
   * the giveUpAfter-th consecutive failure — give it up: it is not added back and givenUp() names it.
   */
  addRateLimited(key: string): RateLimited {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    if (this.giveUpAfter !== undefined && n >= this.giveUpAfter) {
      this.gaveUp.add(key);
      return { kind: 'gave-up', failures: n };
    }
    const delayMs = Math.min(this.o.baseDelayMs * 2 ** (n - 1), MAX_RETRY_DELAY_MS);
    this.addAfter(key, delayMs);
    return { kind: 'retry', failures: n, delayMs };
  }

  /** `key` did not fail: its next failure starts the backoff over. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Consecutive failures of `key` so far (controller-runtime's NumRequeues). */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Keys given up in this queue's life (a later success does not take one back: the run already failed it). */
  givenUp(): ReadonlySet<string> {
    return this.gaveUp;
  }

  depth(): number {
    return this.due.size + this.active.size;
  }

  /** Resolves when nothing is queued, running or scheduled. */
  idle(): Promise<void> {
    if (this.depth() === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stop taking work; resolves when running handlers have returned. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.due.clear();
    this.again.clear();
    while (this.active.size > 0) await new Promise((r) => setTimeout(r, 10));
    this.notifyIdle();
  }

  private pump(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.clock.elapsed();
    let next = Infinity;
    for (const [key, at] of this.due) {
      if (this.active.size >= this.workers) break;
      if (this.active.has(key)) continue;
      if (at <= now) {
        this.due.delete(key);
        this.run(key);
      } else next = Math.min(next, at);
    }
    if (next !== Infinity && this.active.size < this.workers) this.timer = setTimeout(() => this.pump(), Math.max(1, next - now));
    this.notifyIdle();
  }

  private run(key: string): void {
    this.active.add(key);
    void this.handler(key)
      .catch((err: unknown) => {
        const r = this.addRateLimited(key);
        this.o.onError?.(key, err, r);
      })
      .then(() => {
        this.active.delete(key);
        if (this.again.delete(key)) this.add(key);
        this.pump();
      });
  }

  private notifyIdle(): void {
    if (this.depth() > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
