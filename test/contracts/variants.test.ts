// The client (lanes over the HTTP driver) against the simulator in every protocol variant: whatever
// shape Runware answers in, nothing is paid twice, nothing paid is called failed, and a failure keeps
// the API's code and message.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { packagePath } from '../../src/paths.js';
import { describe, expect, it } from 'vitest';
import { FINAL_WHEN_ACKNOWLEDGED, isNotFoundCode } from '../../src/provider/runware/items.js';
import { createProviderClient } from '../../src/provider/client/client.js';
import { createRunwareProvider } from '../../src/provider/runware/http-provider.js';
import { startSimulator, type SimOptions } from '../../src/provider/sim/server.js';
import { VARIANT_NAMES, type SimVariant } from '../../src/provider/sim/variants.js';
import type { PollOutcome } from '../../src/provider/types.js';
import { task } from './provider-contract.js';

describe('the simulator is a second opinion', () => {
  it("imports none of the client's wire or lane code", () => {
    const dir = packagePath('src', 'provider', 'sim');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const imports = [...readFileSync(`${dir}/${f}`, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      expect(
        imports.filter((i) => /\/runware\/|\/client\/|\.\.\/types\.js/.test(i)),
        f,
      ).toEqual([]);
    }
  });
});

const fast = { backoff: { baseMs: 5, capMs: 50 }, submitRps: 1000, pollRoundMs: 1, breaker: { threshold: 1000, cooldownMs: 10 }, submitBatchSize: 8 };

async function setup(variant: SimVariant, opts: SimOptions = {}) {
  let now = 1_000_000;
  const sim = await startSimulator({ variants: [variant], latency: { minMs: 1000, maxMs: 1000 }, now: () => now, ...opts });
  const provider = createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey });
  const client = createProviderClient(provider, fast);
  return { sim, provider, client, elapse: (ms: number) => void (now += ms), close: async () => (await client.close(), await sim.close()) };
}

/** How a finished render may legitimately look in this variant (everything else is a contract breach). */
const finish: Partial<Record<SimVariant, (o: PollOutcome) => void>> = {
  'unknown-status': (o) => expect(o).toMatchObject({ status: 'unknown', error: { code: 'protocol.unknown-status' } }),
  'bad-cost': (o) => expect(o).toMatchObject({ status: 'unknown', error: { code: 'malformed-item' } }),
};

for (const variant of VARIANT_NAMES) {
  describe(`client contract, simulator variant ${variant}`, () => {
    it('each task is accepted once, a re-send (alone or in a batch) reports it accepted, and it finishes once', async () => {
      const h = await setup(variant);
      const tasks = Array.from({ length: 4 }, () => task());
      expect((await Promise.all(tasks.map((t) => h.client.submit(t)))).map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
      const again = await Promise.all(tasks.map((t) => h.client.submit(t)));
      expect(again.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
      expect(h.sim.stats().accepted).toBe(4);
      expect((await Promise.all(tasks.map((t) => h.client.poll(t.taskUUID)))).map((o) => o.status)).toEqual([
        'processing',
        'processing',
        'processing',
        'processing',
      ]);
      h.elapse(1000);
      for (const o of await Promise.all(tasks.map((t) => h.client.poll(t.taskUUID)))) {
        if (finish[variant]) finish[variant]!(o);
        else {
          expect(o.status).toBe('success');
          if (o.status === 'success') expect(o.videos.length).toBeGreaterThanOrEqual(1);
        }
      }
      await h.close();
    });

    it('a failed render is failed (or a final code for an acknowledged task), with string code and message', async () => {
      const h = await setup(variant, { faults: { generationFailureRate: 1 } });
      const t = task();
      await h.client.submit(t);
      h.elapse(1000);
      const o = await h.client.poll(t.taskUUID);
      if (variant === 'task-failed-or-not-found') expect(o.status === 'unknown' && FINAL_WHEN_ACKNOWLEDGED.has(o.error!.code)).toBe(true);
      else {
        expect(o.status).toBe('failed');
        if (o.status === 'failed')
          expect([o.error.code, o.error.message]).toEqual(['generationFailed', 'the model could not generate this video (simulated failure)']);
      }
      await h.close();
    });

    it('a task the API never acknowledged is unknown with a "not found" code, never failed', async () => {
      const h = await setup(variant);
      const o = await h.client.poll(randomUUID());
      expect(o.status).toBe('unknown');
      if (o.status === 'unknown') expect(isNotFoundCode(o.error?.code)).toBe(true);
      await h.close();
    });

    it('a dry run starts nothing — unless the header is ignored, and then getResponse finds the task', async () => {
      const h = await setup(variant);
      const t = task();
      const [a] = await h.provider.submit([t], { dryRun: true });
      expect(a!.status).toBe('accepted');
      const [p] = await h.provider.poll([t.taskUUID]);
      if (variant === 'dry-run-ignored') {
        expect(h.sim.stats().accepted).toBe(1);
        expect(p!.status).toBe('processing');
      } else {
        expect(h.sim.stats().accepted).toBe(0);
        expect(p!.status).toBe('unknown');
      }
      await h.close();
    });
  });
}
