// What the client retries and what it does not (issue 18 item 5): a terminal submit error (400, 402, 403 as
// much as 401) is one request and a `rejected` outcome; a download that cannot succeed (403 expired, 404) is
// one request; only transient failures are retried. Retries are what would pay twice or hammer the API.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { ArtifactError, ProviderError } from '../../src/errors.js';
import { createProviderClient } from '../../src/provider/client/client.js';
import type { DownloadResponse, Provider } from '../../src/provider/types.js';
import { task } from '../contracts/provider-contract.js';

/** Sleeps end at once: backoff and pacing cost no time. */
const instant: Clock = { now: () => Date.now(), elapsed: () => performance.now(), sleep: async (_ms, signal) => void signal?.throwIfAborted() };

function stub(o: { submitError?: Error; downloadErrors?: Error[] }) {
  const calls = { submit: 0, download: 0 };
  const provider: Provider = {
    async submit() {
      calls.submit++;
      throw o.submitError!;
    },
    async poll() {
      return [];
    },
    async download(): Promise<DownloadResponse> {
      const e = o.downloadErrors?.[calls.download++];
      if (e) throw e;
      return { status: 200, body: (async function* () {})() };
    },
  };
  return { calls, client: createProviderClient(provider, { clock: instant, maxAttempts: 6, breaker: { threshold: 1000, cooldownMs: 1 } }) };
}

describe('terminal submit errors are not retried', () => {
  it.each([
    ['insufficientCredits', 402],
    ['forbidden', 403],
    ['invalidParameter', 400],
  ])('%s (HTTP %i): one request, rejected with that code', async (code, status) => {
    const { calls, client } = stub({ submitError: new ProviderError(`${code} (stub)`, { code, kind: 'terminal', status }) });
    const o = await client.submit(task());
    expect(o).toMatchObject({ status: 'rejected', error: { code } });
    expect(calls.submit).toBe(1);
    await client.close();
  });

  it('a transient submit error is retried under the same UUID (the contrast that makes the rows above mean something)', async () => {
    const { calls, client } = stub({ submitError: new ProviderError('503 (stub)', { code: 'http.503', kind: 'transient', status: 503 }) });
    const o = await client.submit(task());
    expect(o.status).toBe('unknown');
    expect(calls.submit).toBe(6);
    await client.close();
  });
});

describe('downloads retry only transient failures', () => {
  it.each([
    ['expired URL', new ArtifactError('the video URL has expired (HTTP 403)', { code: 'download.expired' })],
    ['not found', new ProviderError('HTTP 404 (stub)', { code: 'http.404', kind: 'terminal', status: 404 })],
  ])('%s: one request, the error as is', async (_name, error) => {
    const { calls, client } = stub({ downloadErrors: [error, error, error] });
    await expect(client.download('https://cdn.test/x.mp4')).rejects.toBe(error);
    expect(calls.download).toBe(1);
    await client.close();
  });

  it('a reset connection is retried, and the retry gets the file', async () => {
    const reset = new ProviderError('socket reset (stub)', { code: 'network', kind: 'transient' });
    const { calls, client } = stub({ downloadErrors: [reset, reset] });
    await expect(client.download('https://cdn.test/x.mp4')).resolves.toMatchObject({ status: 200 });
    expect(calls.download).toBe(3);
    await client.close();
  });
});
