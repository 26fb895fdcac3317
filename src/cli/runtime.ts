// Builds what apply and run need: the locked state, a provider (the real API, or the in-process
// simulator with --simulate), the artifact store, the event log and the controller.
import path from 'node:path';
import { systemClock } from '../clock.js';
import { ReelctlError } from '../errors.js';
import type { Logger } from '../log.js';
import { resolveLocalInputs } from '../manifest/local-inputs.js';
import { createProviderClient } from '../provider/client/client.js';
import { pollDelayMs } from '../provider/client/backoff.js';
import { apiUrl, resolveApiKey } from '../provider/runware/api-key.js';
import { createRunwareProvider } from '../provider/runware/http-provider.js';
import { startSimulator, type SimHandle } from '../provider/sim/server.js';
import type { ProviderClient } from '../provider/types.js';
import { FileStateStore } from '../state/file-store.js';
import type { StateLock } from '../state/model.js';
import { emptyState } from '../state/transitions.js';
import { ArtifactStore } from '../store/artifacts.js';
import { manifestCommit } from '../store/git.js';
import { createController } from '../reconcile/controller.js';
import { EventLog } from '../reconcile/event-log.js';
import type { GlobalOptions } from './context.js';
import { apiObserverHub, timeProvider } from '../daemon/api-timing.js';

export interface RuntimeOptions {
  simulate?: boolean;
  concurrency?: number;
  maxCostUsd?: number;
  supersede?: 'wait' | 'abandon';
  logger: Logger;
  command: string;
  env?: NodeJS.ProcessEnv;
}

export type Runtime = Awaited<ReturnType<typeof createRuntime>>;

export async function createRuntime(g: GlobalOptions, o: RuntimeOptions) {
  const env = o.env ?? process.env;
  const key = o.simulate ? undefined : resolveApiKey(env);
  if (!o.simulate && !key)
    throw new ReelctlError('no Runware API key: set RUNWARE_API_KEY or RUNWARE_API_KEY_FILE, or add --simulate to run against the built-in simulator (nothing is spent)', { code: 'config.no-key' });
  const store = new FileStateStore(g.state);
  const lock: StateLock = await store.lock(o.command);
  let sim: SimHandle | undefined;
  let client: ProviderClient | undefined;
  try {
    const state = (await store.read()) ?? emptyState();
    const pollMs = Number(env.REELCTL_POLL_MS) || 2000;
    if (o.simulate) {
      const lat = Number(env.REELCTL_SIM_LATENCY_MS) || 2500;
      sim = await startSimulator({ latency: { minMs: lat * 0.5, maxMs: lat * 1.5 }, seed: Date.now() % 100_000 });
    }
    const api = apiObserverHub();
    const provider = timeProvider(createRunwareProvider({ baseUrl: sim?.url ?? apiUrl(env), apiKey: sim?.apiKey ?? key! }), api.emit);
    client = createProviderClient(provider, { pollRoundMs: pollMs });
    const c = client;
    const artifacts = new ArtifactStore(g.out, (url) => c.download(url));
    const eventLog = new EventLog(path.join(path.dirname(path.resolve(g.state)), 'events.jsonl'));
    const controller = createController({
      store, state, client, artifacts, eventLog, clock: systemClock, logger: o.logger,
      concurrency: o.concurrency ?? 4, supersede: o.supersede ?? 'wait', selector: g.selector,
      ...(o.maxCostUsd !== undefined ? { maxCostUsd: o.maxCostUsd } : {}),
      ...(env.REELCTL_STATE_JOURNAL_MIN_VIDEOS ? { journalMinVideos: Number(env.REELCTL_STATE_JOURNAL_MIN_VIDEOS) } : {}),
      resolveRequest: resolveLocalInputs, manifestCommit, random: Math.random, retryDelayMs: Math.max(1000, pollMs),
      pollDelayMs: (n) => pollDelayMs(n, Math.random, { firstMs: pollMs, factor: 1.5, capMs: pollMs * 1.25 }),
    });
    return {
      controller, state, store, artifacts, client, sim, onApiRequest: api.on,
      async close() {
        await c.close();
        await sim?.close();
        await lock.release();
      },
    };
  } catch (err) {
    await client?.close();
    await sim?.close();
    await lock.release();
    throw err;
  }
}
