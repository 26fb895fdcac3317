// ProviderClient: what the reconciler talks to. Lanes over one Provider — submit (batched, paced,
// breaker), poll (one batched request per round), download (small concurrency) — with retries,
// a shared retry budget, and an AbortSignal that makes shutdown prompt.
import PQueue from 'p-queue';
import { systemClock, type Clock } from '../../clock.js';
import { ProviderError } from '../../errors.js';
import type { DownloadResponse, Provider, ProviderClient, RequestOptions } from '../types.js';
import { raceAbort } from './abort-race.js';
import { fullJitter, RetryBudget } from './backoff.js';
import { Breaker } from './breaker.js';
import { PollLane } from './poll-lane.js';
import { AimdRate, SUBMIT_BURST } from './rate.js';
import { SubmitLane } from './submit-lane.js';

export interface ClientOptions {
  clock?: Clock;
  random?: () => number;
  submitBatchSize?: number;
  submitWindowMs?: number;
  submitRps?: number;
  /** Submit requests in flight at once (each a batch; starts still paced by submitRps). */
  submitConcurrency?: number;
  /** Bytes of task requests per submit request at most (local inputs travel as data URIs). */
  submitMaxBytes?: number;
  pollBatchSize?: number;
  pollRoundMs?: number;
  downloadConcurrency?: number;
  maxAttempts?: number;
  backoff?: { baseMs: number; capMs: number };
  breaker?: { threshold: number; cooldownMs: number };
  retryBudget?: number;
}

const CLIENT_DEFAULTS = {
  submitBatchSize: 50,
  submitWindowMs: 25,
  submitRps: 2,
  submitConcurrency: 4,
  submitMaxBytes: 8 * 1024 * 1024,
  pollBatchSize: 1000,
  pollRoundMs: 2000,
  downloadConcurrency: 3,
  maxAttempts: 6,
  backoff: { baseMs: 500, capMs: 30_000 },
  breaker: { threshold: 5, cooldownMs: 30_000 },
  retryBudget: 30,
};

/**
 * The submit pacing's floor: ms from the first submit request until the last of `n` tasks can be sent, at the
 * default batch size and rate — a burst of SUBMIT_BURST requests at once, then `submitRps` requests a second
 * (50 × 2 = 100 tasks/s: 10,000 tasks take 95 s). The bench compares the daemon with it (bench/daemon-scale.ts).
 */
export function submitPacingFloorMs(n: number): number {
  const requests = Math.ceil(n / CLIENT_DEFAULTS.submitBatchSize);
  return (Math.max(0, requests - SUBMIT_BURST) / CLIENT_DEFAULTS.submitRps) * 1000;
}

/**
 * Download slots for `concurrency` renders in flight: one per render (a finished render never waits for a
 * slot while a download is quicker than a render), at least 3, at most 32 (sockets and disk writes at once).
 * Three fixed slots made 10,000 renders at the submit pace wait on downloads (issue 19).
 */
export function downloadSlotsFor(concurrency: number): number {
  return Math.min(32, Math.max(3, Math.floor(concurrency)));
}

export function createProviderClient(provider: Provider, options: ClientOptions = {}): ProviderClient {
  const o = { ...CLIENT_DEFAULTS, ...options };
  const clock = o.clock ?? systemClock;
  const random = o.random ?? Math.random;
  const abort = new AbortController();
  const stats = { requests: 0, byOutcome: {} as Record<string, number>, retries: 0 };
  const count = (lane: string) => (outcome: string) => {
    stats.requests++;
    const k = `${lane}:${outcome}`;
    stats.byOutcome[k] = (stats.byOutcome[k] ?? 0) + 1;
  };
  const onRetry = () => void stats.retries++;
  const budget = new RetryBudget(o.retryBudget);
  const breaker = new Breaker(() => clock.elapsed(), o.breaker.threshold, o.breaker.cooldownMs);
  const auth: { error?: ProviderError } = {};
  const common = { provider, clock, random, budget, maxAttempts: o.maxAttempts, backoff: o.backoff, signal: abort.signal, onRetry, auth };
  const submitLane = new SubmitLane({
    ...common,
    breaker,
    rate: new AimdRate(o.submitRps),
    batchSize: o.submitBatchSize,
    windowMs: o.submitWindowMs,
    maxInFlight: o.submitConcurrency,
    maxBytes: o.submitMaxBytes,
    count: count('submit'),
  });
  const pollLane = new PollLane({ ...common, batchSize: o.pollBatchSize, roundMs: o.pollRoundMs, count: count('poll') });
  const downloads = new PQueue({ concurrency: o.downloadConcurrency });

  return {
    submit: (task, ro?: RequestOptions) => raceAbort(ro?.signal, submitLane.submit(task)),
    submitsSettled: () => submitLane.settled(),
    poll: (uuid, ro?: RequestOptions) => raceAbort(ro?.signal, pollLane.poll(uuid)),
    watch: (uuid, onSettled) => pollLane.watch(uuid, onSettled),
    unwatch: (uuid) => pollLane.unwatch(uuid),
    download(url, ro = {}): Promise<DownloadResponse> {
      return downloads.add<DownloadResponse>(async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            const r = await provider.download(url, ro);
            count('download')('ok');
            return r;
          } catch (err) {
            const transient = err instanceof ProviderError && err.retryable;
            count('download')(err instanceof ProviderError || (err as { code?: string }).code ? String((err as { code: string }).code) : 'error');
            if (!transient || attempt >= 3 || ro.signal?.aborted) throw err;
            onRetry();
            await clock.sleep(fullJitter(attempt, o.backoff, random), ro.signal);
          }
        }
      });
    },
    get breakerOpen() {
      return breaker.open;
    },
    stats: () => ({ ...stats, byOutcome: { ...stats.byOutcome } }),
    async close() {
      abort.abort(new ProviderError('client closed', { code: 'aborted', kind: 'unknown-outcome' }));
      downloads.clear();
    },
  };
}
