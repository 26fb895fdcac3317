// A work queue keyed by video name (controller-runtime's workqueue): one worker per key at a time,
// duplicates coalesced, delayed adds, bounded parallelism, and a rate limiter for failing keys
// (AddRateLimited / Forget / NumRequeues): consecutive failures per key, exponential backoff capped at
// MAX_RETRY_DELAY_MS, and — for `apply` — a limit after which a key is given up for this run.
// Two lanes: 'priority' (a user's edit, a wake) runs before 'bulk' (the start-up pass, a resync): at 50,000
// videos the bulk lane holds minutes of work, and an edited video must not wait behind it. A key is in at
// most one lane; a priority add moves a queued bulk key up. Coalescing and one worker per key are per key,
// not per lane. It knows nothing about videos. Failure counts and retry times live here, in memory: never in the state.
import type { Clock } from '../clock.js';

export type Handler = (key: string) => Promise<void>;

/** Which lane an add goes to: priority keys run before any bulk key that is due. */
export type Lane = 'priority' | 'bulk';

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
  // key → when it may run; a key is in at most one lane. Map order is add order: FIFO within a lane.
  private dueFirst = new Map<string, number>();
  private due = new Map<string, number>();
  private active = new Set<string>();
  private again = new Map<string, Lane>(); // re-added while active
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

  add(key: string, lane: Lane = 'bulk'): void {
    this.addAfter(key, 0, lane);
  }

  /** Run `key` once `delayMs` has passed (or sooner, if it is already due sooner). */
  addAfter(key: string, delayMs: number, lane: Lane = 'bulk'): void {
    if (this.stopped) return;
    this.adds++;
    const at = this.clock.elapsed() + delayMs;
    if (this.active.has(key) && delayMs <= 0) {
      if (lane === 'priority' || !this.again.has(key)) this.again.set(key, lane);
      return;
    }
    this.schedule(key, at, lane);
    if (!this.active.has(key)) this.pump();
  }

  /** Queue `key` at `at` (the earlier time wins) in the higher of its lane and `lane`. */
  private schedule(key: string, at: number, lane: Lane): void {
    const first = this.dueFirst.get(key);
    if (first !== undefined) return void this.dueFirst.set(key, Math.min(first, at));
    const bulk = this.due.get(key);
    if (lane === 'priority') {
      this.due.delete(key);
      this.dueFirst.set(key, Math.min(bulk ?? Infinity, at));
    } else this.due.set(key, Math.min(bulk ?? Infinity, at));
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

  /** Is `key` queued (due now or later) or running? */
  has(key: string): boolean {
    return this.active.has(key) || this.dueFirst.has(key) || this.due.has(key);
  }

  depth(): number {
    return this.dueFirst.size + this.due.size + this.active.size;
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
    this.dueFirst.clear();
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
    const next = Math.min(this.take(this.dueFirst, now), this.take(this.due, now));
    if (next !== Infinity && this.active.size < this.workers) this.timer = setTimeout(() => this.pump(), Math.max(1, next - now));
    this.notifyIdle();
  }

  /** Starts the due keys of one lane while workers are free; returns when the next delayed one is due. */
  private take(lane: Map<string, number>, now: number): number {
    let next = Infinity;
    for (const [key, at] of lane) {
      if (this.active.size >= this.workers) break;
      if (this.active.has(key)) continue;
      if (at <= now) {
        lane.delete(key);
        this.run(key);
      } else next = Math.min(next, at);
    }
    return next;
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
        const lane = this.again.get(key);
        if (lane !== undefined) {
          this.again.delete(key);
          this.add(key, lane);
        }
        this.pump();
      });
  }

  private notifyIdle(): void {
    if (this.depth() > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
