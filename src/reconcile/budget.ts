// The spend guard (I6), as pure facts read from the state: every attempt is a spend entry — its
// timestamp (`createdAt`, from the injected clock) and its amount (the settled cost, or the reservation while
// unsettled). The entry is written durably with the intent, before the send that spends money, so no crash
// can lose it. `apply --max-cost` counts one run (plus the unsettled renders it adopts); the daemon's
// `--max-cost` counts a rolling 24-hour window, recorded in the state (`budget`) so `status` can show it.
import { roundUsd } from '../pricing/prices.js';
import type { Attempt, StateFile } from '../state/model.js';

/** Spend comparisons allow this much rounding noise; never compare money with a bare `>=`. */
export const BUDGET_EPSILON_USD = 1e-9;
export const DAY_MS = 24 * 3_600_000;

export const isUnsettled = (a: Attempt): boolean => a.state === 'intent' || a.state === 'accepted';

/** What an attempt counts against a budget: its reservation until settled, then what it cost. */
export function attemptSpendUsd(a: Attempt): number {
  if (isUnsettled(a)) return a.reservedUsd;
  return a.costUsd ?? (a.state === 'abandoned' ? a.reservedUsd : 0);
}

export interface SpendEntry {
  key: string;
  atMs: number;
  usd: number;
  settled: boolean;
}

/**
 * Every attempt of the state created after `sinceMs`, as spend entries. Simulated records spent nothing
 * real: they count only for a simulated run (`simulated`).
 */
export function spendEntries(state: StateFile, sinceMs: number, simulated = false): SpendEntry[] {
  const out: SpendEntry[] = [];
  for (const v of Object.values(state.videos))
    for (const a of v.simulated && !simulated ? [] : v.attempts) {
      const atMs = Date.parse(a.createdAt);
      if (!(atMs > sinceMs)) continue;
      out.push({ key: a.taskUUID, atMs, usd: attemptSpendUsd(a), settled: !isUnsettled(a) });
    }
  return out;
}

export interface BudgetStatus {
  maxCostUsd: number;
  /** Present for the daemon's rolling window. */
  windowHours?: number;
  /** Settled spend counted (this run, or the window). */
  spentUsd: number;
  /** Reserved for renders not settled yet. */
  reservedUsd: number;
  remainingUsd: number;
}

/** The daemon's budget as recorded in the state, with what is left at `nowMs` (for `status`). */
export function recordedBudget(state: StateFile | null, nowMs: number): BudgetStatus | undefined {
  const b = state?.budget;
  if (!state || !b) return undefined;
  const all = Object.values(state.videos);
  const simulated = all.length > 0 && all.every((v) => v.simulated); // a simulated daemon's own state
  const entries = spendEntries(state, nowMs - b.windowHours * 3_600_000, simulated);
  return summarize(b.maxCostUsd, entries, b.windowHours);
}

export function summarize(maxCostUsd: number, entries: Iterable<SpendEntry>, windowHours?: number): BudgetStatus {
  let spent = 0;
  let reserved = 0;
  for (const e of entries) e.settled ? (spent += e.usd) : (reserved += e.usd);
  return {
    maxCostUsd,
    ...(windowHours !== undefined ? { windowHours } : {}),
    spentUsd: roundUsd(spent),
    reservedUsd: roundUsd(reserved),
    remainingUsd: roundUsd(Math.max(0, maxCostUsd - spent - reserved)),
  };
}
