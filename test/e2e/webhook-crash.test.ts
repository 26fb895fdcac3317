// kill -9 of the daemon with webhooks on (the crash loop in bench/stress drives `apply` only): at every
// failpoint, and at random moments while webhooks are arriving. Each restart binds a new receiver port,
// so calls for renders sent before the crash are lost: they are found by the first look after start.
// Then: 0 duplicate paid renders, 0 lost outputs.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FAILPOINTS } from '../../src/failpoints.js';
import { assertInvariants, videoYaml, workspace, type Workspace } from './harness.js';
import { readyCount, runDaemon, until, webhookFlags } from './webhook-harness.js';

let w: Workspace;
afterEach(async () => {
  await w?.close();
  rmSync(w.dir, { recursive: true, force: true });
});

const N = 8;

describe('daemon with webhooks under kill -9', () => {
  it('at every failpoint and at random moments: each video paid once, every output complete', async () => {
    w = await workspace({ latency: { minMs: 300, maxMs: 1200 } });
    const docs = Array.from({ length: N }, (_, i) => videoYaml(`crash-${i}`, undefined, i === 0 ? '    numberResults: 2\n' : ''));
    w.write('a.yaml', docs.join('---\n'));
    const flags = [...webhookFlags, '--webhook-safety-poll', '2s', '--concurrency', '3'];
    let kills = 0;
    for (const fp of FAILPOINTS) {
      const d = runDaemon(w, flags, { REELCTL_FAILPOINT: `${fp}:crash` });
      const r = await d.child;
      if (r.signal === 'SIGKILL') kills++;
      else expect(r.exitCode, `${fp}: ${d.log().slice(-400)}`).toBe(0); // never reached (nothing left to do there)
    }
    // Random moments: while renders are in flight and webhooks arrive.
    for (let i = 0; i < 4 && readyCount(w) < N; i++) {
      const d = runDaemon(w, flags);
      const before = w.sim.webhooks().attempts;
      await d.metricsAddr;
      await until('a webhook call', () => w.sim.webhooks().attempts > before || readyCount(w) === N, 20_000);
      d.child.kill('SIGKILL');
      await d.child;
      kills++;
    }
    const d = runDaemon(w, flags);
    await d.metricsAddr; // serving: its SIGTERM handler is in place (a SIGTERM before that ends it by the signal)
    await until('every video ready', () => readyCount(w) === N, 60_000);
    d.child.kill('SIGTERM');
    expect((await d.child).exitCode).toBe(0);
    console.log(`webhooks on: ${kills} kill -9 (${FAILPOINTS.length} failpoints + random), ${w.sim.stats().accepted} paid renders for ${N} videos`);
    expect(kills).toBeGreaterThanOrEqual(FAILPOINTS.length - 2);
    assertInvariants(w, { expectReady: N }); // I1: one accepted submission per spec; I3: every file complete
    expect(w.sim.stats().accepted).toBe(N);
  }, 180_000);
});
