// Operator metrics in process: reconcile results and retries, API durations by op and result (an error's
// code), settled spend counted from attach on, and a clean exposition.
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import { timeProvider, type ApiObservation } from '../../src/daemon/api-timing.js';
import { createMetrics } from '../../src/daemon/metrics.js';
import type { ReconcileResult } from '../../src/reconcile/controller-api.js';
import type { Provider } from '../../src/provider/types.js';
import { checkExposition } from './exposition.js';
import { FakeController } from './fakes.js';

class ObservedController extends FakeController {
  adds = 0;
  private passes = new Set<(r: ReconcileResult) => void>();
  queueAdds = () => this.adds;
  onReconcile(l: (r: ReconcileResult) => void) {
    this.passes.add(l);
    return () => this.passes.delete(l);
  }
  pass(r: ReconcileResult) {
    for (const l of this.passes) l(r);
  }
}

const line = (text: string, series: string) => text.split('\n').find((l) => l.startsWith(series + ' '));

describe('operator metrics', () => {
  it('counts passes by result, retries after errors, adds, spend settled since attach; timestamps', async () => {
    const ctl = new ObservedController();
    ctl.statuses = [{ name: 'a', phase: 'Ready', specHash: 'h', costUsd: 1.1, outputs: [], since: 0 }];
    const m = createMetrics({
      controller: () => ctl,
      manifests: () => ({ status: 'True', reason: 'Loaded', message: '', problems: [], videos: 1 }),
      ready: () => true,
      version: '1',
      now: () => 1_700_000_000_000,
    });
    m.attach(ctl); // 1.1 was spent before this process: not counted
    ctl.pass({ name: 'a', result: 'success', seconds: 0.02 });
    ctl.pass({ name: 'a', result: 'error', seconds: 0.5 });
    ctl.adds = 7;
    ctl.statuses = [
      { name: 'a', phase: 'Ready', specHash: 'h', costUsd: 1.1 + 0.252, outputs: [], since: 0 },
      { name: 'b', phase: 'Ready', specHash: 'h', costUsd: 0.504, outputs: [], since: 0 },
    ];
    m.observeReload(true, 5, 0);
    m.observeResync();
    m.observeApi({ op: 'submit', result: 'ok', seconds: 0.1 });
    const t = await m.render();
    expect(line(t, 'reelctl_reconcile_total{result="success"}')).toMatch(/ 1$/);
    expect(line(t, 'reelctl_reconcile_total{result="error"}')).toMatch(/ 1$/);
    expect(line(t, 'reelctl_reconcile_total{result="requeue_after"}')).toMatch(/ 0$/);
    expect(line(t, 'reelctl_reconcile_time_seconds_count')).toMatch(/ 2$/);
    expect(line(t, 'reelctl_workqueue_retries_total')).toMatch(/ 1$/);
    expect(line(t, 'reelctl_workqueue_adds_total')).toMatch(/ 7$/);
    expect(line(t, 'reelctl_spend_settled_usd_total')).toBe('reelctl_spend_settled_usd_total 0.756');
    expect(line(t, 'reelctl_spend_usd')).toBe('reelctl_spend_usd 1.856');
    expect(line(t, 'reelctl_last_successful_reload_timestamp_seconds')).toBe('reelctl_last_successful_reload_timestamp_seconds 1700000000');
    expect(line(t, 'reelctl_last_resync_timestamp_seconds')).toBe('reelctl_last_resync_timestamp_seconds 1700000000');
    expect(line(t, 'reelctl_api_request_duration_seconds_count{op="submit",result="ok"}')).toMatch(/ 1$/);
    expect(t).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(checkExposition(t)).toEqual([]);
    // A second scrape adds nothing twice.
    expect(line(await m.render(), 'reelctl_spend_settled_usd_total')).toBe('reelctl_spend_settled_usd_total 0.756');
  });

  it('timeProvider labels a request by op and its outcome: ok, or the error code', async () => {
    const seen: ApiObservation[] = [];
    let t = 0;
    const fail = new ProviderError('rate limited', { code: 'rateLimited', kind: 'transient' } as never);
    const p: Provider = { submit: async () => [], poll: async () => Promise.reject(fail), download: async () => Promise.reject(new Error('boom')) };
    const timed = timeProvider(
      p,
      (o) => seen.push(o),
      () => (t += 250),
    );
    await timed.submit([]);
    await expect(timed.poll(['x'])).rejects.toBe(fail);
    await expect(timed.download('u')).rejects.toThrow('boom');
    expect(seen).toEqual([
      { op: 'submit', result: 'ok', seconds: 0.25 },
      { op: 'poll', result: 'rateLimited', seconds: 0.25 },
      { op: 'download', result: 'error', seconds: 0.25 },
    ]);
  });

  it("one scrape reads the controller's statuses once, for every gauge that needs them (50,000 videos: each read builds 50,000 objects)", async () => {
    const ctl = new ObservedController();
    let reads = 0;
    ctl.status = () => {
      reads++;
      return [{ name: 'a', phase: 'Ready', specHash: 'h', costUsd: 0.5, outputs: [], since: 0 }];
    };
    const m = createMetrics({
      controller: () => ctl,
      manifests: () => ({ status: 'True', reason: 'Loaded', message: '', problems: [], videos: 1 }),
      ready: () => true,
      version: '1',
    });
    m.attach(ctl);
    reads = 0;
    const t = await m.render();
    expect(line(t, 'reelctl_spend_usd')).toBe('reelctl_spend_usd 0.5');
    expect(line(t, 'reelctl_videos{phase="Ready"}')).toMatch(/ 1$/);
    expect(reads).toBe(1);
    await m.render(); // a later scrape reads them again: nothing is kept between scrapes
    expect(reads).toBe(2);
  });

  it('a controller with eachStatus is read through it, never through status() (no list of 50,000 objects a scrape)', async () => {
    const ctl = new ObservedController();
    let costA = 0.5;
    let passes = 0;
    ctl.status = () => {
      throw new Error('status() read');
    };
    ctl.eachStatus = (fn) => {
      passes++;
      fn('a', 'Ready', costA);
      fn('b', 'Pending', 0);
    };
    const m = createMetrics({
      controller: () => ctl,
      manifests: () => ({ status: 'True', reason: 'Loaded', message: '', problems: [], videos: 2 }),
      ready: () => true,
      version: '1',
      desiredNames: () => new Set(['a']),
    });
    m.attach(ctl);
    passes = 0;
    let t = await m.render();
    expect(passes).toBe(1);
    expect(line(t, 'reelctl_spend_usd')).toBe('reelctl_spend_usd 0.5');
    expect(line(t, 'reelctl_videos{phase="Ready"}')).toMatch(/ 1$/);
    expect(line(t, 'reelctl_videos{phase="Pending"}')).toMatch(/ 0$/); // b is not in the applied manifests
    expect(line(t, 'reelctl_spend_settled_usd_total')).toBe('reelctl_spend_settled_usd_total 0');
    costA = 1.25;
    t = await m.render();
    expect(passes).toBe(2);
    expect(line(t, 'reelctl_spend_settled_usd_total')).toBe('reelctl_spend_settled_usd_total 0.75');
  });
});
