// The reconciler in this process against the simulator in one protocol variant (sim/variants.ts): real
// HTTP on 127.0.0.1, a memory state store, short delays, a log that tests can read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { systemClock } from '../../src/clock.js';
import type { Logger } from '../../src/log.js';
import type { LoadedVideo } from '../../src/manifest/model.js';
import { createProviderClient } from '../../src/provider/client/client.js';
import { createRunwareProvider } from '../../src/provider/runware/http-provider.js';
import { startSimulator, type SimHandle, type SimOptions } from '../../src/provider/sim/server.js';
import type { ProviderClient } from '../../src/provider/types.js';
import { createController } from '../../src/reconcile/controller.js';
import { MemoryStateStore } from '../doubles/memory-store.js';
import type { StateFile } from '../../src/state/model.js';
import { emptyState } from '../../src/state/transitions.js';
import { ArtifactStore } from '../../src/store/artifacts.js';

export const video = (name: string, request: Record<string, unknown> = {}): LoadedVideo => ({
  name,
  labels: {},
  request: {
    model: 'klingai:kling-video@3-standard',
    positivePrompt: `a calm lake at dawn, ${name}`,
    width: 1280,
    height: 720,
    duration: 3,
    ...request,
  } as LoadedVideo['request'],
  output: {},
  suspend: false,
  regenerate: 0,
  source: { file: `${name}.yaml`, line: 1, col: 1, docIndex: 0 },
  localInputs: [],
});

/** Every log line, as `{level, msg, ...fields}`. */
function recordingLogger(lines: Record<string, unknown>[]): Logger {
  return pino({ level: 'debug', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
}

export interface ProtocolRun {
  sim: SimHandle;
  store: MemoryStateStore;
  out: string;
  logs: Record<string, unknown>[];
  /** One apply-like run to completion over `videos` (a fresh client each time, the state carried over). */
  apply(
    videos: LoadedVideo[],
    wrap?: (c: ProviderClient) => ProviderClient,
  ): Promise<{ summary: Awaited<ReturnType<ReturnType<typeof createController>['runToCompletion']>>; state: StateFile; requests: number }>;
  close(): Promise<void>;
}

export async function protocolRun(simOpts: SimOptions = {}): Promise<ProtocolRun> {
  const sim = await startSimulator({ latency: { minMs: 60, maxMs: 60 }, ...simOpts });
  const dir = mkdtempSync(path.join(tmpdir(), 'reelctl-protocol-'));
  const store = new MemoryStateStore();
  const logs: Record<string, unknown>[] = [];
  return {
    sim,
    store,
    logs,
    out: path.join(dir, 'out'),
    async apply(videos, wrap = (c) => c) {
      const before = sim.stats().requests;
      const client = wrap(
        createProviderClient(createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey, timeoutMs: 2000 }), {
          backoff: { baseMs: 5, capMs: 50 },
          submitRps: 1000,
          pollRoundMs: 20,
          submitWindowMs: 5,
        }),
      );
      const controller = createController({
        store,
        state: (await store.read()) ?? emptyState(),
        client,
        artifacts: new ArtifactStore(path.join(dir, 'out'), (u) => client.download(u)),
        clock: systemClock,
        logger: recordingLogger(logs),
        concurrency: 10,
        supersede: 'wait',
        resolveRequest: async (v) => v.request,
        manifestCommit: async () => undefined,
        random: Math.random,
        retryDelayMs: 20,
        pollDelayMs: () => 30,
      });
      controller.setDesired(videos);
      const summary = await controller.runToCompletion();
      await client.close();
      return { summary, state: (await store.read())!, requests: sim.stats().requests - before };
    },
    async close() {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
