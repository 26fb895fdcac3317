// Controller.patchDesired (issue 19 item 4): the daemon's reload of changed files changes part of the desired
// set — only the upserted videos whose spec changed are enqueued, removed names leave the set (a resync
// no longer visits them), everything else is untouched. A user's edit goes ahead of the start-up pass (the
// queue's priority lane): at 50,000 tracked videos that pass takes minutes.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import type { LoadedVideo } from '../../src/manifest/model.js';
import { createProviderClient } from '../../src/provider/client/client.js';
import { createRunwareProvider } from '../../src/provider/runware/http-provider.js';
import { startSimulator } from '../../src/provider/sim/server.js';
import { createController, type ControllerOptions } from '../../src/reconcile/controller.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { emptyState } from '../../src/state/transitions.js';
import { ArtifactStore } from '../../src/store/artifacts.js';
import { waitFor } from '../daemon/fakes.js';
import { tempDirs } from '../tmp-dirs.js';

const tmp = tempDirs();
const video = (name: string, prompt = 'a calm lake at dawn', suspend = false): LoadedVideo => ({
  name,
  labels: {},
  output: {},
  suspend,
  regenerate: 0,
  localInputs: [],
  source: { file: `${name}.yaml`, line: 1, col: 1, docIndex: 0 },
  request: { model: 'klingai:kling-video@3-standard', positivePrompt: `${prompt}, ${name}`, width: 1280, height: 720, duration: 3 },
});

describe('patchDesired', () => {
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  /** A controller on the system clock against a simulator answering in minMs–maxMs, its state in a temp dir. */
  async function simulated(prefix: string, minMs: number, maxMs: number, over: Partial<ControllerOptions>) {
    const dir = tmp(prefix);
    const sim = await startSimulator({ latency: { minMs, maxMs } });
    closers.push(() => sim.close());
    const client = createProviderClient(createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey }), { pollRoundMs: 50 });
    const state = emptyState();
    const controller = createController({
      store: new FileStateStore(path.join(dir, 'state.json')),
      state,
      client,
      clock: systemClock,
      logger: silentLogger(),
      artifacts: new ArtifactStore(path.join(dir, 'out'), (u) => client.download(u)),
      concurrency: 1,
      supersede: 'wait',
      resolveRequest: async (v) => v.request,
      manifestCommit: async () => undefined,
      random: Math.random,
      retryDelayMs: 100,
      pollDelayMs: () => 50,
      ...over,
    });
    closers.push(() => controller.stop());
    return { sim, state, controller };
  }

  it('enqueues only new or changed videos and drops removed names', async () => {
    const { sim, state, controller } = await simulated('reelctl-patch-', 20, 40, { concurrency: 4 });
    controller.setDesired([video('a'), video('b')]);
    controller.start();
    await waitFor(() => ['a', 'b'].every((n) => state.videos[n]?.phase === 'Ready'), 20_000);
    await waitFor(() => controller.queueDepth() === 0, 5000);
    const adds = controller.queueAdds!();
    controller.patchDesired!([video('a'), video('b', 'a storm at sea'), video('c')], []);
    expect(controller.queueAdds!() - adds).toBe(2); // b changed, c new; a unchanged is not visited
    await waitFor(() => state.videos.c?.phase === 'Ready' && state.videos.b?.phase === 'Ready' && state.videos.b.attempts.length === 2, 20_000);
    expect(sim.stats().accepted).toBe(4);
    controller.patchDesired!([], ['a']);
    await waitFor(() => controller.queueDepth() === 0, 5000);
    const before = controller.queueAdds!();
    controller.resync();
    expect(controller.queueAdds!() - before).toBe(2); // b and c: a left the desired set
  });

  it("an edited video runs ahead of the start-up pass's bulk work; a resync stays behind it", async () => {
    const { controller } = await simulated('reelctl-patch-lane-', 1, 2, { concurrency: 1, workers: 1 });
    const passes: string[] = [];
    controller.onReconcile!((r) => void passes.push(r.name));
    const bulk = Array.from({ length: 300 }, (_, i) => video(`v${i}`, 'a calm lake at dawn', true)); // suspended: no renders
    controller.setDesired(bulk); // the start-up load: bulk
    controller.start(); // the start-up pass: 300 keys in the bulk lane, one worker
    controller.patchDesired!([video('v299', 'a storm at sea', true)], []); // the user's edit of the last one
    controller.resync(); // bulk again: does not move anything up
    await waitFor(() => passes.length >= 3, 10_000);
    expect(passes.indexOf('v299')).toBeLessThanOrEqual(1); // next after the pass that was already running
    await waitFor(() => controller.queueDepth() === 0, 20_000);
    expect(passes.filter((n) => n === 'v299')).toHaveLength(1); // coalesced with its bulk entries
  });
});
