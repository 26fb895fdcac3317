// Builds what apply and run need: the locked state, a provider (the real API, or the in-process
// simulator with --simulate), the artifact store, the event log and the controller.
import { systemClock } from '../clock.js';
import { ReelctlError, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { resolveLocalInputs } from '../manifest/local-inputs.js';
import { createProviderClient } from '../provider/client/client.js';
import { pollDelayMs } from '../provider/client/backoff.js';
import { apiUrl, resolveApiKey } from '../provider/runware/api-key.js';
import { createRunwareProvider } from '../provider/runware/http-provider.js';
import { startSimulator, type SimHandle } from '../provider/sim/server.js';
import type { ProviderClient } from '../provider/types.js';
import { lockWithTimeout } from '../state/lock-wait.js';
import type { StateLock } from '../state/model.js';
import { openState } from '../state/open.js';
import { PgStateStore } from '../state/pg/store.js';
import { guardSubmits } from '../state/pg/pay-guard.js';
import { SharedWork } from '../daemon/shared-work.js';
import { emptyState } from '../state/transitions.js';
import { ArtifactStore } from '../store/artifacts.js';
import { manifestCommit } from '../store/git.js';
import { createController } from '../reconcile/controller.js';
import { EventLog } from '../reconcile/event-log.js';
import type { GlobalOptions } from './context.js';

export interface RuntimeOptions {
  simulate?: boolean;
  concurrency?: number;
  maxCostUsd?: number;
  supersede?: 'wait' | 'abandon';
  logger: Logger;
  command: string;
  env?: NodeJS.ProcessEnv;
  /** --lock-timeout: how long to wait for another holder's state lock (0 = fail at once). */
  lockTimeoutMs?: number;
  /** run --shared: share the videos with other replicas through per-video claims (PostgreSQL only). */
  shared?: boolean;
}

export type Runtime = Awaited<ReturnType<typeof createRuntime>>;

export async function createRuntime(g: GlobalOptions, o: RuntimeOptions) {
  const env = o.env ?? process.env;
  const key = o.simulate ? undefined : resolveApiKey(env);
  if (!o.simulate && !key)
    throw new ReelctlError('no Runware API key: set RUNWARE_API_KEY or RUNWARE_API_KEY_FILE, or add --simulate to run against the built-in simulator (nothing is spent)', { code: 'config.no-key' });
  const opened = openState(g.state, g.out, env);
  const store = opened.store;
  if (o.shared && !(store instanceof PgStateStore)) {
    await opened.dispose();
    throw new UsageError('--shared needs a PostgreSQL state (--state postgres://…): replicas share the work through it');
  }
  let lock: StateLock;
  try {
    // Shared replicas take no exclusive lock (each video is claimed instead), but never run beside an apply.
    if (o.shared) lock = await (store as PgStateStore).sharedLock(o.command);
    else lock = await lockWithTimeout(store, o.command, {
      timeoutMs: o.lockTimeoutMs ?? 0, clock: systemClock,
      onWait: (err) => o.logger.warn(`waiting up to ${Math.round((o.lockTimeoutMs ?? 0) / 1000)}s for the state lock: ${err.message}`),
    });
  } catch (err) {
    await opened.dispose();
    throw err;
  }
  let sim: SimHandle | undefined;
  let client: ProviderClient | undefined;
  try {
    const state = (await store.read()) ?? emptyState();
    const pollMs = Number(env.REELCTL_POLL_MS) || 2000;
    if (o.simulate) {
      const lat = Number(env.REELCTL_SIM_LATENCY_MS) || 2500;
      sim = await startSimulator({ latency: { minMs: lat * 0.5, maxMs: lat * 1.5 }, seed: Date.now() % 100_000 });
    }
    const provider = createRunwareProvider({ baseUrl: sim?.url ?? apiUrl(env), apiKey: sim?.apiKey ?? key! });
    client = createProviderClient(provider, { pollRoundMs: pollMs });
    const c = client;
    const artifacts = new ArtifactStore(g.out, (url) => c.download(url));
    const eventLog = new EventLog(opened.eventsFile);
    const shared = o.shared ? new SharedWork({ store: store as PgStateStore, state, clock: systemClock, logger: o.logger, ...sharedTiming(env) }) : undefined;
    const inner = createController({
      store, state, client: shared ? shared.wrapClient(c) : store instanceof PgStateStore ? guardSubmits(c, (id) => store.checkPayable(id)) : c, artifacts, eventLog, clock: systemClock, logger: o.logger,
      concurrency: o.concurrency ?? 4, supersede: o.supersede ?? 'wait', selector: g.selector,
      ...(o.maxCostUsd !== undefined ? { maxCostUsd: o.maxCostUsd } : {}),
      ...(env.REELCTL_STATE_JOURNAL_MIN_VIDEOS ? { journalMinVideos: Number(env.REELCTL_STATE_JOURNAL_MIN_VIDEOS) } : {}),
      resolveRequest: resolveLocalInputs, manifestCommit, random: Math.random, retryDelayMs: Math.max(1000, pollMs),
      pollDelayMs: (n) => pollDelayMs(n, Math.random, { firstMs: pollMs, factor: 1.5, capMs: pollMs * 1.25 }),
    });
    const controller = shared ? shared.wrapController(inner) : inner;
    shared?.start();
    return {
      controller, state, store, artifacts, client, sim, shared,
      async close() {
        await shared?.close();
        await c.close();
        await sim?.close();
        await lock.release().finally(() => opened.dispose());
      },
    };
  } catch (err) {
    await client?.close();
    await sim?.close();
    await lock.release().catch(() => undefined);
    await opened.dispose();
    throw err;
  }
}

/** Claim timing for --shared (env overrides for tests: REELCTL_CLAIM_TTL_MS). */
function sharedTiming(env: NodeJS.ProcessEnv): { ttlMs?: number } {
  const ttl = Number(env.REELCTL_CLAIM_TTL_MS);
  return ttl > 0 ? { ttlMs: ttl } : {};
}
