// Admission: the one owner of what may start — concurrency slots (renders in flight), the videos waiting for
// a slot, and the --max-cost budget (reservations and settled spend). startRender asks it, finishAttempt
// gives back to it, and recovery seeds it from the state, so neither a restart nor a crash loop can exceed
// the slots or the money: unsettled renders found at start hold their slot and their reservation.
import { randomUUID } from 'node:crypto';
import { roundUsd } from '../pricing/prices.js';
import type { Attempt, StateFile, VideoState } from '../state/model.js';
import { attemptSpendUsd, BUDGET_EPSILON_USD, isUnsettled, spendEntries, summarize, type BudgetStatus, type SpendEntry } from './budget.js';

export interface AdmissionOptions {
  concurrency: number;
  maxCostUsd?: number;
  /** The daemon's rolling window: spend older than this no longer counts. Absent: one run (apply). */
  windowMs?: number;
  /** A --simulate run: simulated records count (a real run ignores them: nothing real was spent). */
  simulated?: boolean;
}

export type AdmitResult =
  | { ok: true }
  | { ok: false; reason: 'slot' }
  /**
   * `retryInMs`: in a rolling window, when the oldest counted spend leaves it. `first`: the first refusal
   * since a render was last admitted (one budget-exhausted event per episode, not per video).
   */
  | { ok: false; reason: 'budget'; first: boolean; retryInMs?: number };

export class Admission {
  private readonly inflight = new Set<string>();
  /** Refused for want of a slot, oldest first (a Set keeps insertion order). */
  private readonly waiting = new Set<string>();
  /** Woken for a freed slot and not back at admit yet: each freed slot wakes one waiter, not all of them. */
  private readonly woken = new Set<string>();
  /** taskUUID → spend counted against the budget (reservation, then the settled cost). */
  private readonly ledger = new Map<string, SpendEntry>();
  /** apply: once the budget refused a render, nothing new is submitted in this run. */
  private stopped = false;
  /** The budget refused the last render asked for. */
  private refusing = false;
  /** Settled in this process (the apply summary's "spent"). */
  private settledHere = 0;
  /** The apply run new attempts belong to: a fresh id, or the interrupted run this one resumes (none in the daemon). */
  runId: string | undefined;

  constructor(private readonly o: AdmissionOptions) {
    this.runId = o.windowMs === undefined ? randomUUID().slice(0, 13) : undefined;
  }

  get maxCostUsd(): number | undefined {
    return this.o.maxCostUsd;
  }
  get windowed(): boolean {
    return this.o.windowMs !== undefined;
  }
  /** True once apply's budget refused a render: no new submissions this run. */
  get exhausted(): boolean {
    return this.stopped;
  }
  get spentUsd(): number {
    return roundUsd(this.settledHere);
  }
  get inflightCount(): number {
    return this.inflight.size;
  }

  /**
   * Seeds slots and budget from the state at start. Unsettled attempts of desired videos are adopted: they
   * hold a slot and their reservation counts. An apply that finds unfinished attempts (unsettled, or paid and
   * not downloaded) resumes their run: everything that run spent counts, and new attempts join it, so an
   * interrupted and resumed apply pays at most --max-cost in total. A windowed budget (the daemon) counts
   * everything spent in the window instead.
   */
  recover(state: StateFile, desired: ReadonlySet<string> | ReadonlyMap<string, unknown>, nowMs: number): void {
    const sim = !!this.o.simulated;
    const videos = Object.values(state.videos).filter((v) => !v.simulated || sim);
    const resumed = new Map<string, number>(); // run id → its latest unfinished attempt
    for (const v of videos)
      for (const a of v.attempts) {
        if (!desired.has(v.name)) continue;
        if (isUnsettled(a)) {
          this.inflight.add(v.name);
          this.count({ key: a.taskUUID, atMs: Date.parse(a.createdAt), usd: a.reservedUsd, settled: false });
        }
        if (unfinished(v, a) && a.run !== undefined) resumed.set(a.run, Math.max(resumed.get(a.run) ?? -Infinity, Date.parse(a.createdAt) || 0));
      }
    if (this.o.windowMs !== undefined) {
      for (const e of spendEntries(state, nowMs - this.o.windowMs, sim)) this.count(e);
      return;
    }
    if (resumed.size === 0) return;
    this.runId = [...resumed].sort((x, y) => y[1] - x[1])[0]![0];
    for (const v of videos)
      for (const a of v.attempts)
        if (a.run !== undefined && resumed.has(a.run))
          this.count({ key: a.taskUUID, atMs: Date.parse(a.createdAt), usd: attemptSpendUsd(a), settled: !isUnsettled(a) });
  }

  /**
   * apply ended (not killed): its paid-but-not-downloaded attempts (a download given up) no longer make a
   * later apply resume this run; unsettled ones still do. Returns the names whose records changed.
   */
  closeRun(state: StateFile): string[] {
    const changed: string[] = [];
    for (const v of Object.values(state.videos))
      for (const a of v.attempts)
        if (a.run !== undefined && a.run === this.runId && !isUnsettled(a) && unfinished(v, a)) {
          delete a.run;
          changed.push(v.name);
        }
    return changed;
  }

  /** A slot for `name` and `estimateUsd` of budget for its task `key`, both or neither. */
  admit(name: string, key: string, estimateUsd: number, nowMs: number): AdmitResult {
    this.woken.delete(name);
    if (this.inflight.size >= this.o.concurrency && !this.inflight.has(name)) {
      this.waiting.add(name);
      return { ok: false, reason: 'slot' };
    }
    this.waiting.delete(name);
    if (this.o.maxCostUsd !== undefined && this.committedUsd(nowMs) + estimateUsd > this.o.maxCostUsd + BUDGET_EPSILON_USD) {
      const first = !this.refusing;
      this.refusing = true;
      if (this.o.windowMs === undefined) {
        this.stopped = true;
        return { ok: false, reason: 'budget', first };
      }
      return { ok: false, reason: 'budget', first, retryInMs: this.nextExpiryMs(nowMs) };
    }
    this.refusing = false;
    this.inflight.add(name);
    this.ledger.set(key, { key, atMs: nowMs, usd: estimateUsd, settled: false });
    return { ok: true };
  }

  /** An admission that never became an intent (the step failed first): give back the slot and the budget. */
  cancel(name: string, key: string): string[] {
    this.ledger.delete(key);
    return this.release(name);
  }

  /** `name` has an admitted (or adopted) render in flight: it keeps its slot. */
  hold(name: string): void {
    this.inflight.add(name);
  }

  /**
   * The attempt left flight with `actualUsd` spent: settle it and free its slot; returns the names to wake
   * (none when `wake` is false: the run is stopping, and nobody is woken into a submit).
   */
  finish(name: string, attempt: Attempt, actualUsd: number, wake = true): string[] {
    const e = this.ledger.get(attempt.taskUUID);
    if (e) Object.assign(e, { usd: actualUsd, settled: true });
    else this.count({ key: attempt.taskUUID, atMs: Date.parse(attempt.createdAt), usd: actualUsd, settled: true });
    this.settledHere += actualUsd;
    if (wake) return this.release(name);
    this.inflight.delete(name);
    return [];
  }

  /** Frees `name`'s slot without settling (it left the desired set); returns the names to wake. */
  release(name: string): string[] {
    if (!this.inflight.delete(name)) return [];
    return this.wakeable();
  }

  /**
   * A step of `name` ended. If it was woken for a slot and never came back to ask (it needed no slot any
   * more, was refused by the budget, or failed), the slot it was woken for passes to the next waiter.
   * Returns the names to wake.
   */
  stepEnded(name: string): string[] {
    this.woken.delete(name);
    return this.waiting.size === 0 ? [] : this.wakeable();
  }

  /**
   * The oldest waiters, one per slot that is free and not already promised to a woken waiter. Waking every
   * waiter at each freed slot made 10,000 videos waiting for 200 slots run ~10,000 refused steps per
   * finished render, ahead of the polls and downloads that free slots (issue 19).
   */
  private wakeable(): string[] {
    let free = this.o.concurrency - this.inflight.size - this.woken.size;
    const out: string[] = [];
    for (const name of this.waiting) {
      if (free-- <= 0) break;
      this.waiting.delete(name);
      this.woken.add(name);
      out.push(name);
    }
    return out;
  }

  /** What is left (undefined without --max-cost). */
  status(nowMs: number): BudgetStatus | undefined {
    if (this.o.maxCostUsd === undefined) return undefined;
    this.expire(nowMs);
    return summarize(this.o.maxCostUsd, this.ledger.values(), this.o.windowMs === undefined ? undefined : this.o.windowMs / 3_600_000);
  }

  private committedUsd(nowMs: number): number {
    this.expire(nowMs);
    let sum = 0;
    for (const e of this.ledger.values()) sum += e.usd;
    return sum;
  }

  private count(e: SpendEntry): void {
    if (!this.ledger.has(e.key)) this.ledger.set(e.key, e);
  }

  /** A rolling window forgets settled spend older than the window. */
  private expire(nowMs: number): void {
    if (this.o.windowMs === undefined) return;
    const since = nowMs - this.o.windowMs;
    for (const [k, e] of this.ledger) if (e.atMs <= since) this.ledger.delete(k); // NaN (an unreadable date) stays
  }

  private nextExpiryMs(nowMs: number): number {
    let oldest = Infinity;
    for (const e of this.ledger.values()) if (Number.isFinite(e.atMs)) oldest = Math.min(oldest, e.atMs);
    return oldest === Infinity ? 60_000 : Math.max(1000, oldest + this.o.windowMs! - nowMs + 1);
  }
}

/** Work a killed run left: a render not settled yet, or the video's latest render paid and not downloaded. */
function unfinished(v: VideoState, a: Attempt): boolean {
  if (isUnsettled(a)) return true;
  return a.state === 'succeeded' && a === v.attempts.at(-1) && !v.outputs.some((o) => o.taskUUID === a.taskUUID);
}
