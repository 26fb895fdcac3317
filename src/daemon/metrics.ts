// Prometheus metrics for the daemon, on a registry of its own (never the global default).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Controller, ControllerEvent } from '../reconcile/controller-api.js';
import type { ProviderClient } from '../provider/types.js';

const PHASES = ['Pending', 'Submitted', 'Running', 'Downloading', 'Ready', 'Failed', 'Suspended'];

export function createMetrics(controller: Controller, client: ProviderClient | undefined, version: string) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'reelctl_process_' });
  new Gauge({ name: 'reelctl_build_info', help: 'Build information', labelNames: ['version'], registers: [registry] }).set({ version }, 1);
  new Gauge({
    name: 'reelctl_videos',
    help: 'Videos by phase',
    labelNames: ['phase'],
    registers: [registry],
    collect() {
      const counts = Object.fromEntries(PHASES.map((p) => [p, 0]));
      for (const v of controller.status()) counts[v.phase] = (counts[v.phase] ?? 0) + 1;
      for (const p of PHASES) this.set({ phase: p }, counts[p]!);
    },
  });
  new Gauge({ name: 'reelctl_queue_depth', help: 'Work queue depth', registers: [registry], collect() { this.set(controller.queueDepth()); } });
  const apiRequests = new Gauge({ name: 'reelctl_api_requests', help: 'Runware API requests by lane and outcome (since start)', labelNames: ['lane', 'outcome'], registers: [registry] });
  const retries = new Gauge({ name: 'reelctl_api_retries', help: 'Retried API requests (since start)', registers: [registry] });
  new Gauge({
    name: 'reelctl_provider_breaker_open',
    help: '1 while the breaker pauses submits',
    registers: [registry],
    collect() {
      this.set(client?.breakerOpen ? 1 : 0);
      const s = client?.stats();
      if (!s) return;
      retries.set(s.retries);
      for (const [k, n] of Object.entries(s.byOutcome)) {
        const [lane, outcome] = k.split(':');
        apiRequests.set({ lane: lane!, outcome: outcome ?? '' }, n);
      }
    },
  });
  const submissions = new Counter({ name: 'reelctl_submissions_total', help: 'Accepted render submissions', registers: [registry] });
  const failures = new Counter({ name: 'reelctl_failures_total', help: 'Videos that failed', labelNames: ['reason'], registers: [registry] });
  const loadErrors = new Counter({ name: 'reelctl_manifest_load_errors_total', help: 'Manifest reloads refused because of invalid manifests', registers: [registry] });
  const reconcileSeconds = new Histogram({ name: 'reelctl_render_duration_seconds', help: 'Time from submit to Ready', buckets: [5, 15, 30, 60, 120, 300, 600, 1200], registers: [registry] });
  const submittedAt = new Map<string, number>();
  const off = controller.on((e: ControllerEvent) => {
    if (e.type === 'submitted') {
      submissions.inc();
      submittedAt.set(e.name, e.at);
    } else if (e.type === 'ready') {
      const t = submittedAt.get(e.name);
      if (t !== undefined) reconcileSeconds.observe((e.at - t) / 1000);
      submittedAt.delete(e.name);
    } else if (e.type === 'failed') failures.inc({ reason: e.reason });
  });
  new Gauge({
    name: 'reelctl_spend_recorded_usd',
    help: 'Spend recorded in state for tracked videos (USD)',
    registers: [registry],
    collect() {
      this.set(controller.status().reduce((s, v) => s + v.costUsd, 0));
    },
  });
  return { registry, loadErrors, close: off };
}
