import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/daemon/metrics.js';
import { parseWebhookFlags } from '../../src/daemon/webhook/setup.js';

const metricsPort = { host: '127.0.0.1', port: 9464 };

describe('run --webhook-* flags', () => {
  it('off without --webhook-listen; the URL is required off loopback and must be a plain base', () => {
    expect(parseWebhookFlags({}, metricsPort, 300_000, 3_600_000)).toBeUndefined();
    expect(() => parseWebhookFlags({ webhookUrl: 'https://x.example' }, metricsPort, 300_000, 0)).toThrow(/needs --webhook-listen/);
    expect(parseWebhookFlags({ webhookListen: '127.0.0.1:0' }, metricsPort, 300_000, 0)).toEqual({
      listen: { host: '127.0.0.1', port: 0 },
      safetyPollMs: 300_000,
      graceMs: 0,
    });
    expect(() => parseWebhookFlags({ webhookListen: '0.0.0.0:8080' }, metricsPort, 300_000, 0)).toThrow(/--webhook-url URL is required/);
    expect(parseWebhookFlags({ webhookListen: '0.0.0.0:8080', webhookUrl: 'https://hooks.example.com/reelctl' }, metricsPort, 300_000, 0)?.url).toBe(
      'https://hooks.example.com/reelctl',
    );
    for (const bad of ['not a url', 'ftp://x.example', 'https://x.example/?token=a', 'https://u:p@x.example'])
      expect(() => parseWebhookFlags({ webhookListen: '0.0.0.0:8080', webhookUrl: bad }, metricsPort, 300_000, 0)).toThrow();
  });

  it('never the metrics port; a safety poll of at least 1 s', () => {
    expect(() => parseWebhookFlags({ webhookListen: '0.0.0.0:9464', webhookUrl: 'https://x.example' }, metricsPort, 300_000, 0)).toThrow(
      /must not share the metrics port/,
    );
    expect(() => parseWebhookFlags({ webhookListen: '127.0.0.1:0' }, metricsPort, 500, 0)).toThrow(/at least 1s/);
  });
});

describe('reelctl_webhooks_received_total', () => {
  it('follows the receiver counts by result', async () => {
    const counts: Record<string, number> = { woken: 2, unauthorized: 1 };
    const m = createMetrics({
      controller: () => undefined,
      manifests: () => ({ status: 'True', problems: [] }) as never,
      ready: () => true,
      version: 't',
      webhooks: () => counts,
    });
    expect(await m.render()).toContain('reelctl_webhooks_received_total{result="woken"} 2');
    counts.woken = 5;
    const text = await m.render();
    expect(text).toContain('reelctl_webhooks_received_total{result="woken"} 5');
    expect(text).toContain('reelctl_webhooks_received_total{result="unauthorized"} 1');
  });
});
