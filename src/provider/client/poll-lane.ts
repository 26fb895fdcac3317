// The poll lane: every pending poll() travels in ONE batched getResponse request per round, and rounds
// are spaced by `roundMs`, so API requests grow with elapsed time, not with the number of tasks.
// Watched tasks that are not due yet fill the rest of a round's batch for free ("riders"): a task whose
// own poll is not due (accepted just after a round, or polled on a slower schedule) is still looked at
// every round while others are being polled, so finishing is noticed within one round. If the API refuses
// batches, or answers them only in part, the lane falls back to one task per request for the rest of the
// run (and takes no riders: they would cost requests).
import { ProviderError } from '../../errors.js';
import type { PollOutcome } from '../types.js';
import { fullJitter } from './backoff.js';
import type { LaneDeps } from './lane.js';

const noAnswer = (taskUUID: string): PollOutcome => ({
  taskUUID,
  status: 'unknown',
  error: new ProviderError('the API sent no item for this task', { code: 'no-answer', kind: 'unknown-outcome', taskUUID }),
});
const isNoAnswer = (o: PollOutcome | undefined) => !o || (o.status === 'unknown' && (!o.error || o.error.code === 'no-answer'));

interface Waiters {
  resolve: ((o: PollOutcome) => void)[];
  reject: ((e: unknown) => void)[];
}

export interface PollLaneDeps extends LaneDeps {
  roundMs: number;
}

export class PollLane {
  private pending = new Map<string, Waiters>();
  private riders = new Map<string, () => void>();
  /** Outcomes found by a ride, kept for the task's next poll(). */
  private settled = new Map<string, PollOutcome>();
  private running = false;
  private lastRoundAt = -Infinity;
  batching = true;
  constructor(private readonly d: PollLaneDeps) {}

  watch(taskUUID: string, onSettled: () => void): void {
    if (!this.settled.has(taskUUID)) this.riders.set(taskUUID, onSettled);
  }

  unwatch(taskUUID: string): void {
    this.riders.delete(taskUUID);
    this.settled.delete(taskUUID);
  }

  poll(taskUUID: string): Promise<PollOutcome> {
    if (this.d.auth.error) return Promise.reject(this.d.auth.error);
    const known = this.settled.get(taskUUID);
    if (known) {
      this.settled.delete(taskUUID);
      return Promise.resolve(known);
    }
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
        // A round's slot is a round after the last one's: a round that waited for its slot counts from the slot,
        // not from when its timer fired, so a timer's lateness is not added round after round (at most one
        // round per roundMs still, on average and over any span). Asked after its slot, a round counts from then.
        const slot = this.lastRoundAt + this.d.roundMs;
        const wait = slot - this.d.clock.elapsed();
        await this.d.clock.sleep(Math.max(0, wait), this.d.signal);
        this.lastRoundAt = wait > 0 ? slot : this.d.clock.elapsed();
        // A round: every poll due now, in as few requests as the batch size allows, the room left in them
        // filled with riders, plus at most one more request of riders (never more than one extra per round).
        const due = [...this.pending.entries()];
        this.pending.clear();
        const batch = this.batching ? this.d.batchSize : 1;
        const room = this.batching ? Math.ceil(due.length / batch) * batch - due.length + batch : 0;
        const dueIds = due.map(([u]) => u);
        const riders = this.pickRiders(new Set(dueIds), room);
        const all = [...dueIds, ...riders];
        const waiters = new Map(due);
        for (let i = 0; i < all.length; i += batch) await this.send(all.slice(i, i + batch), waiters);
      }
    } catch (err) {
      for (const w of this.pending.values()) for (const r of w.reject) r(err);
      this.pending.clear();
    } finally {
      this.running = false;
    }
  }

  /** One request: answers its waiters, and settles riders that turn out finished. */
  private async send(uuids: string[], waiters: Map<string, Waiters>): Promise<void> {
    let outcomes: PollOutcome[];
    try {
      outcomes = await this.round(uuids);
    } catch (err) {
      for (const u of uuids) for (const r of waiters.get(u)?.reject ?? []) r(err);
      if (this.d.signal.aborted) throw err;
      return;
    }
    const byUUID = new Map(outcomes.map((x) => [x.taskUUID, x]));
    await this.askAlone(uuids, byUUID);
    for (const u of uuids) {
      const o = byUUID.get(u) ?? noAnswer(u);
      const w = waiters.get(u);
      if (w) {
        for (const r of w.resolve) r(o);
        continue;
      }
      const onSettled = this.riders.get(u);
      if (!onSettled) continue;
      this.riders.delete(u);
      if (o.status !== 'success' && o.status !== 'failed') {
        this.riders.set(u, onSettled); // to the back of the line: others ride first next time
        continue;
      }
      // Finished. If its own poll joined the queue meanwhile, answer it now instead of next round.
      const late = this.pending.get(u);
      if (late) {
        this.pending.delete(u);
        for (const r of late.resolve) r(o);
      } else {
        this.settled.set(u, o);
        onSettled();
      }
    }
  }

  /**
   * Batching is an optimisation, not an assumption: a task that got no item at all in a batched answer has
   * no answer (never "not found"), so it is asked again alone, at once. If alone it does get an answer, the
   * server answers batches only in part: batching stops for the rest of the run (as when it refuses them).
   */
  private async askAlone(uuids: string[], byUUID: Map<string, PollOutcome>): Promise<void> {
    if (uuids.length < 2) return;
    const silent = uuids.filter((u) => isNoAnswer(byUUID.get(u)));
    if (silent.length === 0) return;
    for (const u of silent) {
      let o: PollOutcome | undefined;
      try {
        [o] = await this.withRetries([u]);
      } catch (err) {
        if (this.d.signal.aborted) throw err;
        continue; // stays without an answer this round
      }
      if (!o) continue;
      byUUID.set(u, o);
      if (!isNoAnswer(o)) this.batching = false;
    }
  }

  /** Watched tasks not in this round already, longest since their last ride first, to fill `room` slots. */
  private pickRiders(inRound: Set<string>, room: number): string[] {
    const out: string[] = [];
    for (const u of this.riders.keys()) {
      if (out.length >= room) break;
      if (!inRound.has(u)) out.push(u);
    }
    return out;
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
