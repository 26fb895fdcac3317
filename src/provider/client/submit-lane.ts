// The submit lane: concurrent submit() calls are batched into one request (up to a batch size), paced
// by an AIMD rate, paused by the breaker, and retried under the SAME task UUIDs (a `conflictTaskUUID`
// answer then means the first send was accepted), so a retry can never pay twice.
import { ProviderError } from '../../errors.js';
import type { SubmitOutcome, VideoTask } from '../types.js';
import { fullJitter } from './backoff.js';
import type { LaneDeps } from './lane.js';
import type { Breaker } from './breaker.js';
import type { AimdRate } from './rate.js';

interface Waiter {
  task: VideoTask;
  resolve: (o: SubmitOutcome) => void;
  /** Bytes of the task's request as JSON (inputs as data URIs can be large), measured once. */
  bytes?: number;
}

export interface SubmitLaneDeps extends LaneDeps {
  breaker: Breaker;
  rate: AimdRate;
  windowMs: number;
  /** Submit requests that may be in flight at once. */
  maxInFlight: number;
  /** A batch stops growing at this many bytes of requests (a task larger than this travels alone). */
  maxBytes: number;
}

export class SubmitLane {
  private queue: Waiter[] = [];
  private running = false;
  /** Ends the gathering window early (a full batch is waiting), while it is open. */
  private batchFull: (() => void) | undefined;
  /** Batch requests on their way: each settles once its waiters have their outcomes. */
  private readonly inFlight = new Set<Promise<void>>();
  constructor(private readonly d: SubmitLaneDeps) {}

  submit(task: VideoTask): Promise<SubmitOutcome> {
    if (this.d.auth.error) return Promise.resolve({ taskUUID: task.taskUUID, status: 'rejected', error: this.d.auth.error });
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      if (!this.running) void this.run();
      else if (this.queue.length >= this.d.batchSize) this.batchFull?.();
    });
  }

  /**
   * Resolves, with the clock's `elapsed()`, once every batch in flight now has been answered. Renders
   * accepted by batches that travelled together are polled together from there (reconcile/submit.ts): the
   * first batch's answer is earlier than the last batch's acceptance, and a poll round phased from it can
   * come just before the last renders end — then they wait a whole round more. Batches sent later (paced)
   * are not waited for.
   */
  settled(): Promise<number> {
    if (this.inFlight.size === 0) return Promise.resolve(this.d.clock.elapsed());
    return Promise.allSettled([...this.inFlight]).then(() => this.d.clock.elapsed());
  }

  /**
   * The window lets concurrent callers join a batch. Once a full batch is waiting there is nothing left to
   * wait for: the window ends then, not `windowMs` later (200 intents made durable together: 25 ms sooner).
   */
  private async gather(): Promise<void> {
    if (this.queue.length >= this.d.batchSize) return;
    const full = new AbortController();
    this.batchFull = () => {
      this.batchFull = undefined; // once: every later caller would make (and drop) another DOMException
      full.abort();
    };
    try {
      await this.d.clock.sleep(this.d.windowMs, AbortSignal.any([this.d.signal, full.signal]));
    } catch (err) {
      if (this.d.signal.aborted) throw err; // shutdown; else a full batch ended the window
    } finally {
      this.batchFull = undefined;
    }
  }

  private async run(): Promise<void> {
    this.running = true;
    const inFlight = this.inFlight;
    try {
      await this.gather(); // let concurrent callers join the batch
      for (;;) {
        // Batches are independent (each task keeps its own UUID and outcome), so up to `maxInFlight` requests
        // travel at once: the rate still paces their starts, and the breaker holds all of them. Callers who
        // come while they travel join the queue and go in the next batch.
        if (this.queue.length === 0 && inFlight.size === 0) break;
        if (this.queue.length === 0 || inFlight.size >= this.d.maxInFlight) {
          await Promise.race(inFlight);
          continue;
        }
        const wait = Math.max(this.d.breaker.waitMs(), 0);
        if (wait > 0) await this.d.clock.sleep(wait, this.d.signal);
        // A batch the rate lets go now goes in this same turn: a zero-length sleep is a timer, and on a busy
        // event loop each one held the next batch back by a turn (200 renders: 4 batches started ~140 ms apart).
        const pace = this.d.rate.reserve(this.d.clock.elapsed());
        if (pace > 0) await this.d.clock.sleep(pace, this.d.signal);
        else if (this.d.signal.aborted) throw this.d.signal.reason;
        const batch = this.takeBatch();
        const sent: Promise<void> = this.send(batch)
          .catch((err: unknown) => this.unanswered(batch, err)) // shutdown mid-request: the batch's outcome is unknown
          .finally(() => inFlight.delete(sent));
        inFlight.add(sent);
      }
    } catch (err) {
      this.unanswered(this.queue.splice(0), err);
      await Promise.all(inFlight); // each settles its own batch
    } finally {
      this.running = false;
    }
  }

  /** The next batch: up to `batchSize` tasks and `maxBytes` of requests, at least one task. */
  private takeBatch(): Waiter[] {
    let n = 0;
    let bytes = 0;
    for (; n < this.queue.length && n < this.d.batchSize; n++) {
      const w = this.queue[n]!;
      w.bytes ??= Buffer.byteLength(JSON.stringify(w.task.request));
      if (n > 0 && bytes + w.bytes > this.d.maxBytes) break;
      bytes += w.bytes;
    }
    return this.queue.splice(0, n);
  }

  /** Resolves every waiter of `batch` not answered yet as unknown (a waiter answered before keeps its outcome). */
  private unanswered(batch: Waiter[], err: unknown): void {
    const error = err instanceof ProviderError ? err : new ProviderError('shutting down', { code: 'aborted', kind: 'unknown-outcome', cause: err });
    for (const w of batch) w.resolve({ taskUUID: w.task.taskUUID, status: 'unknown', error });
  }

  /**
   * A batch met a conflictTaskUUID without a taskUUID: some of these tasks were accepted before. Each is
   * asked about alone — getResponse knows it (accepted), else it is re-sent alone under its own UUID, where a
   * taskless conflict can only be its own. Never Failed, never paid twice. Returns the ones still unknown.
   */
  private async attribute(waiters: Waiter[]): Promise<Waiter[]> {
    const still: Waiter[] = [];
    for (const w of waiters) {
      const uuid = w.task.taskUUID;
      try {
        const [p] = await this.d.provider.poll([uuid], { signal: this.d.signal });
        this.d.count('ok');
        if (p && (p.status !== 'unknown' || p.error?.code === 'protocol.unknown-status' || p.error?.code === 'malformed-item')) {
          w.resolve({ taskUUID: uuid, status: 'accepted', alreadyAccepted: true });
          continue;
        }
        const [o] = await this.d.provider.submit([w.task], { signal: this.d.signal });
        this.d.count('ok');
        if (o && o.status !== 'unknown') w.resolve(o);
        else still.push(w);
      } catch (err) {
        if (this.d.signal.aborted) throw err;
        this.d.count(err instanceof ProviderError ? err.code : 'unexpected');
        still.push(w);
      }
    }
    return still;
  }

  private async send(batch: Waiter[]): Promise<void> {
    let remaining = batch;
    for (let attempt = 1; ; attempt++) {
      let error: ProviderError;
      try {
        const outcomes = await this.d.provider.submit(
          remaining.map((w) => w.task),
          { signal: this.d.signal },
        );
        this.d.count('ok');
        this.d.breaker.success();
        this.d.rate.success();
        this.d.budget.success();
        const byId = new Map(outcomes.map((o) => [o.taskUUID, o]));
        const unknown: Waiter[] = [];
        const unattributed: Waiter[] = [];
        for (const w of remaining) {
          const o = byId.get(w.task.taskUUID);
          if (o?.status === 'unknown' && o.error.code === 'conflict.unattributed') unattributed.push(w);
          else if (!o || o.status === 'unknown') unknown.push(w);
          else w.resolve(o);
        }
        unknown.push(...(await this.attribute(unattributed)));
        if (unknown.length === 0) return;
        remaining = unknown;
        error = new ProviderError('no answer for some tasks', { code: 'no-answer', kind: 'unknown-outcome' });
      } catch (err) {
        if (this.d.signal.aborted) throw err;
        error = err instanceof ProviderError ? err : new ProviderError(String(err), { code: 'unexpected', kind: 'unknown-outcome', cause: err });
        this.d.count(error.code);
        if (error.kind === 'terminal') {
          if (error.code === 'unauthorized') this.d.auth.error = error;
          for (const w of remaining) w.resolve({ taskUUID: w.task.taskUUID, status: 'rejected', error });
          return;
        }
        this.d.breaker.failure();
        if (error.status === 429) this.d.rate.throttled();
      }
      if (attempt >= this.d.maxAttempts || !this.d.budget.take()) {
        for (const w of remaining) w.resolve({ taskUUID: w.task.taskUUID, status: 'unknown', error });
        return;
      }
      this.d.onRetry();
      const floor = Math.max(error.retryAfterMs ?? 0, this.d.breaker.waitMs());
      await this.d.clock.sleep(fullJitter(attempt, this.d.backoff, this.d.random, floor), this.d.signal);
    }
  }
}
