// /metrics for operators, scraped from a real daemon: process and Node.js defaults, reconcile passes,
// work queue, API request durations by op and result, settled spend, reload and resync times; a deleted
// manifest leaves the phase gauges. The exposition passes `promtool check metrics` when promtool is
// installed (apt-get install prometheus) and is always parsed here too.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from './daemon-process.js';
import { until, videoYaml, workspace, type Workspace } from './harness.js';
import { checkExposition } from '../daemon/exposition.js';

let w: Workspace;
afterEach(async () => w?.close());

const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('daemon /metrics', () => {
  it('has the operator metrics, in valid exposition format', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    w.write('b.yaml', videoYaml('beta'));
    const d = startDaemon(w, { args: ['--resync', '1s'] });
    const { child } = d;
    try {
      const addr = await d.address();
      await until('both ready', () => existsSync(path.join(w.out, 'alpha.mp4')) && existsSync(path.join(w.out, 'beta.mp4')), 20_000, 100);
      const scrape = () => fetch(`http://${addr}/metrics`).then((r) => r.text());
      // A file is in place a moment before its reconcile pass returns: wait for the passes, not the files.
      const m = await until(
        'both passes done, a resync, the spend counted',
        async () => {
          const t = await scrape();
          const done = (value(t, 'reelctl_reconcile_total{result="success"}') ?? 0) >= 2;
          return done && (value(t, 'reelctl_last_resync_timestamp_seconds') ?? 0) > 0 && (value(t, 'reelctl_spend_settled_usd_total') ?? 0) > 0 ? t : undefined;
        },
        20_000,
        100,
      );
      for (const s of ['process_resident_memory_bytes', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes'])
        expect(m, s).toMatch(new RegExp(`^${s} `, 'm'));
      expect(value(m, 'reelctl_reconcile_total{result="requeue_after"}')).toBeGreaterThan(0);
      expect(value(m, 'reelctl_reconcile_total{result="error"}')).toBe(0);
      expect(value(m, 'reelctl_reconcile_time_seconds_count')).toBeGreaterThan(0);
      expect(value(m, 'reelctl_workqueue_adds_total')).toBeGreaterThan(0);
      expect(value(m, 'reelctl_workqueue_retries_total')).toBe(0);
      expect(value(m, 'reelctl_api_request_duration_seconds_count{op="submit",result="ok"}')).toBeGreaterThan(0);
      expect(value(m, 'reelctl_api_request_duration_seconds_count{op="poll",result="ok"}')).toBeGreaterThan(0);
      expect(value(m, 'reelctl_api_request_duration_seconds_count{op="download",result="ok"}')).toBe(2);
      expect(value(m, 'reelctl_spend_settled_usd_total')).toBe(0.504);
      expect(value(m, 'reelctl_last_successful_reload_timestamp_seconds')! * 1000).toBeGreaterThan(Date.now() - 60_000);
      for (const l of m.split('\n').filter((l) => /^reelctl_\w*usd/.test(l))) expect(l).not.toMatch(/\.\d*(0000000|9999999)\d*$/); // money without float noise
      expect(value(m, 'reelctl_videos{phase="Ready"}')).toBe(2);
      expect(checkExposition(m)).toEqual([]);

      rmSync(path.join(w.manifests, 'b.yaml'));
      const after = await until(
        'beta gone from the gauges',
        async () => {
          const t = await scrape();
          return value(t, 'reelctl_videos{phase="Ready"}') === 1 ? t : undefined;
        },
        20_000,
        100,
      );
      expect(value(after, 'reelctl_spend_settled_usd_total')).toBe(0.504); // spend stays spent
    } finally {
      child.kill('SIGTERM');
      await child;
    }
  }, 60_000);
});
