// A work queue keyed by video name (controller-runtime's workqueue): one worker per key at a time,
// duplicates coalesced, delayed requeues, bounded parallelism. It knows nothing about videos.
import type { Clock } from '../clock.js';

export type Handler = (key: string) => Promise<{ requeueAfterMs?: number } | void>;

export class WorkQueue {
  private due = new Map<string, number>(); // key → when it may run
  private active = new Set<string>();
  private again = new Set<string>(); // re-added while active
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  /** Every add() since creation (controller-runtime's workqueue_adds_total), for /metrics. */
  adds = 0;

  constructor(
    private readonly handler: Handler,
    private readonly clock: Clock,
    private readonly workers: number,
    private readonly onError: (key: string, err: unknown) => number,
  ) {}

  add(key: string, delayMs = 0): void {
    if (this.stopped) return;
    this.adds++;
    const at = this.clock.elapsed() + delayMs;
    if (this.active.has(key)) {
      if (delayMs === 0) this.again.add(key);
      else this.due.set(key, Math.min(this.due.get(key) ?? Infinity, at));
      return;
    }
    this.due.set(key, Math.min(this.due.get(key) ?? Infinity, at));
    this.pump();
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
      .then(
        (r) => r?.requeueAfterMs,
        (err) => this.onError(key, err),
      )
      .then((requeue) => {
        this.active.delete(key);
        if (this.again.delete(key)) this.add(key);
        else if (requeue !== undefined && requeue >= 0) this.add(key, requeue);
        this.pump();
      });
  }

  private notifyIdle(): void {
    if (this.depth() > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
