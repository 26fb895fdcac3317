// The daemon's --max-cost is a rolling 24-hour window recorded in the state (issue 13, item 7): a restarted
// (or crash-looping) daemon cannot spend more than the cap per day, counted on the simulator's side; once
// the day has passed, the cap is available again. `status` and /metrics show what is left.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/clock.js';
import { statusJson, statusTable } from '../../src/cli/views/status.js';
import { createMetrics } from '../../src/daemon/metrics.js';
import { createLogger } from '../../src/log.js';
import type { LoadedVideo } from '../../src/manifest/model.js';
import { estimateCostUsd } from '../../src/pricing/prices.js';
import { createProviderClient } from '../../src/provider/client/client.js';
import { createRunwareProvider } from '../../src/provider/runware/http-provider.js';
import { startSimulator, type SimHandle } from '../../src/provider/sim/server.js';
import { DAY_MS } from '../../src/reconcile/budget.js';
import { createController } from '../../src/reconcile/controller.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { emptyState } from '../../src/state/transitions.js';
import { ArtifactStore } from '../../src/store/artifacts.js';
import { captureStream, waitFor } from './fakes.js';

const video = (name: string): LoadedVideo => ({
  name,
  labels: {},
  output: {},
  suspend: false,
  regenerate: 0,
  localInputs: [],
  source: { file: 'm.yaml', line: 1, col: 1, docIndex: 0 },
  request: { model: 'klingai:kling-video@3-standard', positivePrompt: `a calm lake at dawn, ${name}`, width: 1280, height: 720, duration: 3 }, // $0.252
});
const VIDEOS = ['v1', 'v2', 'v3', 'v4'].map(video);
const CAP = 0.6; // two renders fit ($0.504), a third would not

let dir: string;
let sim: SimHandle;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reelctl-budget-'));
  sim = await startSimulator({ latency: { minMs: 50, maxMs: 150 } });
});
afterEach(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

/** One daemon lifetime on the shared state file; `offsetMs` moves its wall clock (the window's clock). */
async function daemon(offsetMs: number) {
  const store = new FileStateStore(path.join(dir, 'state.json'));
  const state = (await store.read()) ?? emptyState();
  const client = createProviderClient(createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey }), { pollRoundMs: 100 });
  const clock: Clock = { ...systemClock, now: () => Date.now() + offsetMs };
  const log = captureStream();
  const controller = createController({
    store,
    state,
    client,
    clock,
    logger: createLogger({ format: 'json', destination: log }),
    artifacts: new ArtifactStore(path.join(dir, 'out'), (u) => client.download(u)),
    concurrency: 4,
    supersede: 'wait',
    maxCostUsd: CAP,
    budgetWindowMs: DAY_MS,
    resolveRequest: async (v) => v.request,
    manifestCommit: async () => undefined,
    random: Math.random,
    retryDelayMs: 200,
    pollDelayMs: () => 100,
  });
  controller.setDesired(VIDEOS);
  controller.start();
  const refused = (name: string) =>
    log
      .text()
      .split('\n')
      .some((l) => l.includes('not submitted: --max-cost budget') && l.includes(`"video":"${name}"`));
  return {
    controller,
    state,
    refused,
    phase: (name: string) => state.videos[name]?.phase,
    async stop() {
      await controller.stop();
      await client.close();
    },
  };
}

const paid = () => sim.tasks().reduce((s, t) => s + estimateCostUsd(t.request as { model: string }), 0);

describe('daemon --max-cost: a rolling 24-hour window recorded in the state', () => {
  it('a restart within 24 hours cannot spend past the cap; after 24 hours the cap is available again', async () => {
    const first = await daemon(0);
    await waitFor(() => first.phase('v1') === 'Ready' && first.phase('v2') === 'Ready' && first.refused('v3') && first.refused('v4'), 15_000);
    await first.stop();
    expect(sim.stats().accepted).toBe(2);
    expect(first.state.budget).toMatchObject({ maxCostUsd: CAP, windowHours: 24 });

    // Restarted an hour later: what the first lifetime spent still counts.
    const second = await daemon(3_600_000);
    expect(second.controller.budget!()).toMatchObject({ maxCostUsd: CAP, spentUsd: 0.504, remainingUsd: 0.096 });
    await waitFor(() => second.refused('v3') && second.refused('v4'), 15_000);
    const metrics = createMetrics({
      controller: () => second.controller,
      manifests: () => ({ status: 'True', reason: 'Loaded', message: '', problems: [], videos: 4 }),
      ready: () => true,
      version: 't',
    });
    expect(await metrics.render()).toMatch(/^reelctl_budget_remaining_usd 0\.096$/m);
    await second.stop();
    expect(sim.stats().accepted).toBe(2);
    expect(paid()).toBeLessThanOrEqual(CAP + 1e-9);

    // `status` reads the cap and the window from the state file.
    const onDisk = await new FileStateStore(path.join(dir, 'state.json')).read();
    const now = Date.now() + 3_600_000;
    expect(statusJson(onDisk, {}, now)).toMatchObject({ budget: { maxCostUsd: CAP, windowHours: 24, spentUsd: 0.504, remainingUsd: 0.096 } });
    expect(statusTable(onDisk, {}, now, { isTTY: false })).toMatch(/Budget: \$0\.10 left of \$0\.60 per 24 h \(\$0\.50 spent in the last 24 h\)/);

    // A day later the first lifetime's spend has left the window: the other two render.
    const third = await daemon(DAY_MS + 3_600_000);
    await waitFor(() => third.phase('v3') === 'Ready' && third.phase('v4') === 'Ready', 15_000);
    await third.stop();
    expect(sim.stats().accepted).toBe(4);
  });
});
