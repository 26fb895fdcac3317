// Download slots follow --concurrency (issue 19 item 4): with N renders in flight, N downloads may start
// at once (3 fixed slots made finished renders queue for downloads); bounded at both ends.
import { describe, expect, it } from 'vitest';
import { createProviderClient, downloadSlotsFor } from '../../src/provider/client/client.js';
import type { DownloadResponse, Provider } from '../../src/provider/types.js';

function gated() {
  let inFlight = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];
  const provider: Provider = {
    submit: async () => [],
    poll: async () => [],
    async download(): Promise<DownloadResponse> {
      peak = Math.max(peak, ++inFlight);
      await new Promise<void>((r) => waiting.push(r));
      inFlight--;
      return { status: 200, body: (async function* () {})() };
    },
  };
  return { provider, waiting, peak: () => peak };
}

describe('download slots', () => {
  it.each([
    [12, 12],
    [1, 3],
    [500, 32],
  ])('--concurrency %i: %i downloads in flight at once', async (concurrency, slots) => {
    const g = gated();
    const client = createProviderClient(g.provider, { downloadConcurrency: downloadSlotsFor(concurrency) });
    const all = Array.from({ length: 40 }, (_, i) => client.download(`https://x.example/${i}`));
    // Let the queue start what it may; release one at a time until every download has run.
    for (let released = 0, rounds = 0; released < 40 && rounds < 1000; rounds++) {
      await new Promise((r) => setImmediate(r));
      const batch = g.waiting.splice(0);
      batch.forEach((r) => r());
      released += batch.length;
    }
    await Promise.all(all);
    expect(g.peak()).toBe(slots);
    await client.close();
  });
});
