// The poll lane: every pending poll() travels in ONE batched getResponse request per round, and rounds
// are spaced by `roundMs`, so API requests grow with elapsed time, not with the number of tasks.
// If the API refuses batches, the lane falls back to one task per request for the rest of the run.
import { ProviderError } from '../../errors.js';
import type { PollOutcome } from '../types.js';
import { fullJitter } from './backoff.js';
import type { LaneDeps } from './lane.js';

interface Waiters {
  resolve: ((o: PollOutcome) => void)[];
  reject: ((e: unknown) => void)[];
}

export interface PollLaneDeps extends LaneDeps {
  roundMs: number;
}

export class PollLane {
  private pending = new Map<string, Waiters>();
  private running = false;
  private lastRoundAt = -Infinity;
  batching = true;
  constructor(private readonly d: PollLaneDeps) {}

  poll(taskUUID: string): Promise<PollOutcome> {
    if (this.d.auth.error) return Promise.reject(this.d.auth.error);
    return new Promise((resolve, reject) => {
      const w = this.pending.get(taskUUID) ?? { resolve: [], reject: [] };
      w.resolve.push(resolve);
      w.reject.push(reject);
      this.pending.set(taskUUID, w);
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.pending.size > 0) {
        await this.d.clock.sleep(Math.max(0, this.lastRoundAt + this.d.roundMs - this.d.clock.elapsed()), this.d.signal);
        const uuids = [...this.pending.keys()].slice(0, this.d.batchSize);
        const waiters = uuids.map((u) => [u, this.pending.get(u)!] as const);
        for (const u of uuids) this.pending.delete(u);
        // Only a drained queue starts the round timer: leftovers beyond the batch size go at once.
        if (this.pending.size === 0) this.lastRoundAt = this.d.clock.elapsed();
        try {
          const outcomes = await this.round(uuids);
          for (const [u, w] of waiters) {
            const o = outcomes.find((x) => x.taskUUID === u) ?? { taskUUID: u, status: 'unknown' as const };
            for (const r of w.resolve) r(o);
          }
        } catch (err) {
          for (const [, w] of waiters) for (const r of w.reject) r(err);
        }
      }
    } catch (err) {
      for (const w of this.pending.values()) for (const r of w.reject) r(err);
      this.pending.clear();
    } finally {
      this.running = false;
    }
  }

  private async round(uuids: string[]): Promise<PollOutcome[]> {
    if (!this.batching && uuids.length > 1) {
      const out: PollOutcome[] = [];
      for (const u of uuids) out.push(...(await this.withRetries([u])));
      return out;
    }
    try {
      return await this.withRetries(uuids);
    } catch (err) {
      if (err instanceof ProviderError && err.code === 'poll.batch-refused') {
        this.batching = false;
        return this.round(uuids);
      }
      throw err;
    }
  }

  private async withRetries(uuids: string[]): Promise<PollOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const o = await this.d.provider.poll(uuids, { signal: this.d.signal });
        this.d.count('ok');
        this.d.budget.success();
        return o;
      } catch (err) {
        if (this.d.signal.aborted) throw err;
        const e = err instanceof ProviderError ? err : new ProviderError(String(err), { code: 'unexpected', kind: 'transient', cause: err });
        this.d.count(e.code);
        if (e.code === 'unauthorized') this.d.auth.error = e;
        if (e.kind === 'terminal' || attempt >= this.d.maxAttempts || !this.d.budget.take()) throw e;
        this.d.onRetry();
        await this.d.clock.sleep(fullJitter(attempt, this.d.backoff, this.d.random, e.retryAfterMs ?? 0), this.d.signal);
      }
    }
  }
}
