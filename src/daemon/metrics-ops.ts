// Operator metrics in Prometheus' and controller-runtime's conventions, beside the domain metrics of
// metrics.ts: process and Node.js defaults, reconcile passes (count by result, duration), work-queue adds
// and retries, API request durations by op and result, settled spend as a counter, and when the last
// successful reload and resync happened.
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { roundUsd } from '../pricing/prices.js';
import type { Controller, ReconcileResult } from '../reconcile/controller-api.js';
import type { ApiObservation } from './api-timing.js';

export interface OpsMetrics {
  /** Start counting for this controller: spend settled from now on, its reconcile passes. */
  attach: (controller: Controller) => () => void;
  observeApi: (o: ApiObservation) => void;
  observeReloadOk: () => void;
  observeResync: () => void;
  /** A video's settled cost as a scrape reads it (the spend counter counts its growth). */
  costSeen: (name: string, costUsd: number) => void;
}

export function createOpsMetrics(
  registry: Registry,
  controller: () => Controller | undefined,
  /** Reads every video once for this scrape (calling costSeen for each), when it has not yet. */
  scrape: () => void,
  now: () => number,
): OpsMetrics {
  const reg = { registers: [registry] };
  collectDefaultMetrics({ register: registry }); // process_* (RSS, CPU, fds) and nodejs_* (event loop lag, heap, GC)
  // prom-client names these three gauges `_total`, which `promtool check metrics` rejects (a suffix reserved
  // for counters); the per-type breakdowns nodejs_active_{handles,requests,resources} stay.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);

  const passes = new Counter({
    name: 'reelctl_reconcile_total',
    help: 'Reconcile passes of one video, by result (success, requeue_after, error)',
    labelNames: ['result'],
    ...reg,
  });
  for (const result of ['success', 'requeue_after', 'error']) passes.inc({ result }, 0); // every series exists from the start
  const passTime = new Histogram({
    name: 'reelctl_reconcile_time_seconds',
    help: 'Duration of one reconcile pass of one video (a submit, a poll, a download step)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    ...reg,
  });
  const retries = new Counter({ name: 'reelctl_workqueue_retries_total', help: 'Videos put back on the work queue after a failed reconcile pass', ...reg });
  let addsSeen = 0;
  new Counter({
    name: 'reelctl_workqueue_adds_total',
    help: 'Work queue adds (new work, requeues, resyncs)',
    ...reg,
    collect() {
      const n = controller()?.queueAdds?.() ?? addsSeen;
      if (n > addsSeen) this.inc(n - addsSeen);
      addsSeen = Math.max(n, addsSeen);
    },
  });
  const api = new Histogram({
    name: 'reelctl_api_request_duration_seconds',
    help: 'Runware API requests by op (submit, poll, download: to the response headers) and result (ok or the error code)',
    labelNames: ['op', 'result'],
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    ...reg,
  });

  // Settled spend as a counter: the growth of each video's recorded cost since the daemon attached.
  const lastCost = new Map<string, number>();
  let baseline = false;
  let settled = 0; // growth seen by the scrape in progress, not yet counted
  new Counter({
    name: 'reelctl_spend_settled_usd_total',
    help: 'USD settled (charged by the API) since the daemon started',
    ...reg,
    collect() {
      if (!controller() || !baseline) return;
      scrape();
      const d = settled;
      settled = 0;
      if (d > 0) this.inc(roundUsd(d));
    },
  });
  const lastReload = new Gauge({
    name: 'reelctl_last_successful_reload_timestamp_seconds',
    help: 'When the manifests were last loaded without problems (Unix time)',
    ...reg,
  });
  const lastResync = new Gauge({ name: 'reelctl_last_resync_timestamp_seconds', help: 'When the last periodic resync ran (Unix time)', ...reg });

  return {
    attach(c) {
      if (c.eachStatus) c.eachStatus((name, _phase, costUsd) => lastCost.set(name, costUsd));
      else for (const v of c.status()) lastCost.set(v.name, v.costUsd);
      baseline = true;
      return (
        c.onReconcile?.((r: ReconcileResult) => {
          passes.inc({ result: r.result });
          passTime.observe(r.seconds);
          if (r.result === 'error') retries.inc();
        }) ?? (() => undefined)
      );
    },
    observeApi: (o) => api.observe({ op: o.op, result: o.result }, o.seconds),
    observeReloadOk: () => lastReload.set(now() / 1000),
    observeResync: () => lastResync.set(now() / 1000),
    costSeen(name, costUsd) {
      if (!baseline) return;
      const before = lastCost.get(name) ?? 0;
      if (costUsd > before) settled += costUsd - before;
      lastCost.set(name, costUsd);
    },
  };
}
