// Prometheus metrics for the daemon, on a Registry of our own (never prom-client's global default, so
// tests and embedders get isolated counts). Counters are fed by ControllerEvents; gauges are read from
// Controller.status()/queueDepth() and the provider's stats at scrape time, so they cannot drift.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Controller, ControllerEvent } from '../reconcile/controller-api.js';
import { PHASES, type Phase } from '../state/phase.js';
import type { ManifestCondition } from './reload.js';
import { createOpsMetrics, type OpsMetrics } from './metrics-ops.js';
import { roundUsd } from '../pricing/prices.js';

export interface ProviderStats {
  requests: number;
  byOutcome: Record<string, number>;
  retries: number;
}

export interface MetricsSources {
  controller: () => Controller | undefined;
  providerStats?: () => ProviderStats | undefined;
  manifests: () => ManifestCondition;
  ready: () => boolean;
  breakerOpen?: () => boolean;
  webhooks?: () => Record<string, number> | undefined;
  version: string;
  /** Names in the applied manifests: videos whose manifest was deleted leave the phase gauges. */
  desiredNames?: () => ReadonlySet<string> | undefined;
  /** Wall clock (ms) for the timestamp gauges. */
  now?: () => number;
}

export interface DaemonMetrics extends Omit<OpsMetrics, 'observeReloadOk' | 'costSeen'> {
  registry: Registry;
  onEvent(e: ControllerEvent): void;
  observeReload(ok: boolean, durationMs: number, problems: number): void;
  render(): Promise<string>;
  readonly contentType: string;
}

export function createMetrics(src: MetricsSources): DaemonMetrics {
  const registry = new Registry();
  const reg = { registers: [registry] };
  // One pass over the controller's videos per scrape, shared by every gauge that reads it, building no list:
  // at 50,000 videos status() builds 50,000 objects (~15 MB of garbage a scrape, and a scrape every few
  // seconds set the daemon's peak memory, issue 19); three of those per scrape held the event loop for
  // seconds (bench daemon-scale). A controller without eachStatus is read through status().
  let scraped: { counts: Record<Phase, number>; spendUsd: number } | undefined;
  const scrape = () => {
    if (scraped) return scraped;
    const counts = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
    const desired = src.desiredNames?.();
    let spendUsd = 0;
    const each = (name: string, phase: Phase, costUsd: number) => {
      if (!desired || desired.has(name)) counts[phase] = (counts[phase] ?? 0) + 1;
      spendUsd += costUsd || 0;
      ops.costSeen(name, costUsd);
    };
    const c = src.controller();
    if (c?.eachStatus) c.eachStatus(each);
    else for (const v of c?.status() ?? []) each(v.name, v.phase, v.costUsd);
    return (scraped = { counts, spendUsd });
  };

  new Gauge({ name: 'reelctl_build_info', help: 'Build information (always 1)', labelNames: ['version', 'node'], ...reg }).set(
    { version: src.version, node: process.version },
    1,
  );
  new Gauge({
    name: 'reelctl_videos',
    help: 'Videos in the applied manifests, by phase',
    labelNames: ['phase'],
    ...reg,
    collect() {
      const { counts } = scrape();
      for (const p of PHASES) this.set({ phase: p }, counts[p]);
    },
  });
  new Gauge({
    name: 'reelctl_spend_usd',
    help: 'Settled spend in USD over all videos in state',
    ...reg,
    collect() {
      this.set(roundUsd(scrape().spendUsd));
    },
  });
  new Gauge({
    name: 'reelctl_budget_remaining_usd',
    help: 'USD --max-cost still allows in the rolling 24-hour window (+Inf without a cap)',
    ...reg,
    collect() {
      const b = src.controller()?.budget?.();
      this.set(b ? b.remainingUsd : Infinity);
    },
  });
  new Gauge({
    name: 'reelctl_queue_depth',
    help: 'Work queue depth',
    ...reg,
    collect() {
      this.set(src.controller()?.queueDepth() ?? 0);
    },
  });
  new Gauge({
    name: 'reelctl_ready',
    help: '1 when /readyz answers 200',
    ...reg,
    collect() {
      this.set(src.ready() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'reelctl_provider_breaker_open',
    help: '1 while the provider circuit breaker pauses submissions',
    ...reg,
    collect() {
      this.set(src.breakerOpen?.() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'reelctl_manifests_valid',
    help: '1 when the last manifest load was valid (0 = last good set kept)',
    ...reg,
    collect() {
      this.set(src.manifests().status === 'True' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'reelctl_manifest_problems',
    help: 'Problems found by the last manifest load',
    ...reg,
    collect() {
      this.set(src.manifests().problems.length);
    },
  });

  // Provider counters live in the client; expose them as counters by adding the delta at scrape time.
  const seen = { byOutcome: {} as Record<string, number>, retries: 0 };
  new Counter({
    name: 'reelctl_api_requests_total',
    help: 'Runware API requests by outcome',
    labelNames: ['outcome'],
    ...reg,
    collect() {
      const s = src.providerStats?.();
      for (const [outcome, n] of Object.entries(s?.byOutcome ?? {})) {
        const d = n - (seen.byOutcome[outcome] ?? 0);
        if (d > 0) this.inc({ outcome }, d);
        seen.byOutcome[outcome] = Math.max(n, seen.byOutcome[outcome] ?? 0);
      }
    },
  });
  new Counter({
    name: 'reelctl_api_retries_total',
    help: 'Runware API requests retried',
    ...reg,
    collect() {
      const n = src.providerStats?.()?.retries ?? 0;
      if (n > seen.retries) this.inc(n - seen.retries);
      seen.retries = Math.max(n, seen.retries);
    },
  });

  // Webhook calls by result, counted by the receiver (src/daemon/webhook/receiver.ts): deltas at scrape time.
  const seenHooks: Record<string, number> = {};
  new Counter({
    name: 'reelctl_webhooks_received_total',
    help: 'Webhook calls by result',
    labelNames: ['result'],
    ...reg,
    collect() {
      for (const [result, n] of Object.entries(src.webhooks?.() ?? {})) {
        if (n > (seenHooks[result] ?? 0)) this.inc({ result }, n - (seenHooks[result] ?? 0));
        seenHooks[result] = Math.max(n, seenHooks[result] ?? 0);
      }
    },
  });

  const submissions = new Counter({ name: 'reelctl_submissions_total', help: 'Render tasks submitted', ...reg });
  const submittedUsd = new Counter({ name: 'reelctl_submitted_estimated_usd_total', help: 'Estimated cost of submitted tasks (USD)', ...reg });
  const readyTotal = new Counter({ name: 'reelctl_videos_ready_total', help: 'Videos that became Ready', ...reg });
  const failedTotal = new Counter({ name: 'reelctl_videos_failed_total', help: 'Videos that failed, by reason', labelNames: ['reason'], ...reg });
  const budget = new Counter({ name: 'reelctl_budget_exhausted_total', help: 'Times a budget stopped submissions', ...reg });
  const transitions = new Counter({ name: 'reelctl_phase_transitions_total', help: 'Phase transitions', labelNames: ['to'], ...reg });
  const reconcile = new Histogram({
    name: 'reelctl_reconcile_duration_seconds',
    help: 'Time from a video starting work (leaving Ready/Suspended/new) to reaching Ready or Failed',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600],
    ...reg,
  });
  const loadErrors = new Counter({ name: 'reelctl_manifest_load_errors_total', help: 'Manifest problems found, over all loads', ...reg });
  const reloads = new Counter({ name: 'reelctl_manifest_reloads_total', help: 'Manifest loads by result', labelNames: ['result'], ...reg });
  const reloadSeconds = new Histogram({
    name: 'reelctl_manifest_reload_duration_seconds',
    help: 'Time to load and validate the manifests',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ...reg,
  });

  const ops = createOpsMetrics(registry, src.controller, scrape, src.now ?? Date.now);
  const startedAt = new Map<string, number>();
  return {
    registry,
    attach: ops.attach,
    observeApi: ops.observeApi,
    observeResync: ops.observeResync,
    contentType: registry.contentType,
    onEvent(e) {
      switch (e.type) {
        case 'phase':
          transitions.inc({ to: e.to });
          if (!startedAt.has(e.name) && e.to !== 'Ready' && e.to !== 'Failed' && e.to !== 'Suspended') startedAt.set(e.name, e.at);
          if (e.to === 'Ready' || e.to === 'Failed') {
            const t0 = startedAt.get(e.name);
            if (t0 !== undefined) reconcile.observe(Math.max(0, e.at - t0) / 1000);
            startedAt.delete(e.name);
          }
          break;
        case 'submitted':
          submissions.inc();
          submittedUsd.inc(roundUsd(Math.max(0, e.estimatedCostUsd)));
          break;
        case 'ready':
          readyTotal.inc();
          break;
        case 'failed':
          failedTotal.inc({ reason: e.reason });
          break;
        case 'budget-exhausted':
          budget.inc();
          break;
      }
    },
    observeReload(ok, durationMs, problems) {
      reloads.inc({ result: ok ? 'ok' : 'invalid' });
      if (ok) ops.observeReloadOk();
      reloadSeconds.observe(durationMs / 1000);
      if (problems > 0) loadErrors.inc(problems);
    },
    render: async () => {
      scraped = undefined;
      try {
        return await registry.metrics();
      } finally {
        scraped = undefined; // read afresh at every scrape
      }
    },
  };
}
