// Builds what apply and run need: the locked state, a provider (the real API, or the in-process
// simulator with --simulate), the artifact store, the event log and the controller.
import { systemClock } from '../clock.js';
import { envInt } from '../env-int.js';
import { ReelctlError, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import { resolveLocalInputs } from '../manifest/local-inputs.js';
import { createProviderClient, downloadSlotsFor } from '../provider/client/client.js';
import { pollScheduleMs } from '../provider/client/backoff.js';
import { parseMaxDownloadBytes } from '../provider/runware/download-guard.js';
import type { SimHandle } from '../provider/sim/server.js';
import type { ProviderClient } from '../provider/types.js';
import { assertSeparateDirs } from '../store/overlap.js';
import { lockWithTimeout } from '../state/lock-wait.js';
import type { StateFile, StateLock } from '../state/model.js';
import { openState } from '../state/open.js';
import { PgStateStore } from '../state/pg/store.js';
import { guardSubmits } from '../state/pg/pay-guard.js';
import { SharedWork } from '../daemon/shared-work.js';
import { emptyState } from '../state/transitions.js';
import { ArtifactStore } from '../store/artifacts.js';
import { checkOutputDir } from '../store/out-dir.js';
import { manifestCommit } from '../store/git.js';
import { createController } from '../reconcile/controller.js';
import { EventLog } from '../reconcile/event-log.js';
import type { WebhookWiring } from '../daemon/webhook/wiring.js';
import { buildProvider, providerSource } from './provider-env.js';
import { SIMULATED_OUT, SIMULATED_STATE, type GlobalOptions } from './context.js';
import { apiObserverHub, timeProvider } from '../daemon/api-timing.js';

export interface RuntimeOptions {
  simulate?: boolean;
  /** --verify-outputs: the drift check hashes every output (issue 19). */
  verifyOutputs?: boolean;
  concurrency?: number;
  maxCostUsd?: number;
  /** The daemon: --max-cost counts a rolling window of this length (recorded in the state). */
  budgetWindowMs?: number;
  supersede?: 'wait' | 'abandon';
  logger: Logger;
  command: string;
  /** `--allow-download-host`: result URLs on these hosts may be at private or loopback addresses. */
  allowDownloadHosts?: string[];
  env?: NodeJS.ProcessEnv;
  /** `run --webhook-listen`: submissions carry webhookURL; polls become a slow safety net. */
  webhook?: WebhookWiring;
  /** --lock-timeout: how long to wait for another holder's state lock (0 = fail at once). */
  lockTimeoutMs?: number;
  /** run --shared: share the videos with other replicas through per-video claims (PostgreSQL only). */
  shared?: boolean;
}

export async function createRuntime(g: GlobalOptions, o: RuntimeOptions) {
  const env = o.env ?? process.env;
  const source = providerSource(
    !!o.simulate,
    env,
    'no Runware API key: set RUNWARE_API_KEY or RUNWARE_API_KEY_FILE, or add --simulate to run against the built-in simulator (nothing is spent)',
  );
  const maxDownloadBytes = parseMaxDownloadBytes(env.REELCTL_MAX_DOWNLOAD_BYTES);
  // The tuning knobs, checked before the state is opened or locked.
  const pollMs = envInt(env, 'REELCTL_POLL_MS', 2000, { min: 100, max: 3_600_000 });
  // The first retry of a failed step (it doubles per failure): tests that go through five failures need not wait 15 s.
  const retryMs = envInt(env, 'REELCTL_RETRY_MS', Math.max(1000, pollMs), { min: 10, max: 3_600_000 });
  const lat = envInt(env, 'REELCTL_SIM_LATENCY_MS', 2500, { min: 1, max: 3_600_000 });
  const journalMinVideos = envInt(env, 'REELCTL_STATE_JOURNAL_MIN_VIDEOS', -1, { min: 0, max: 1_000_000_000 });
  const claimTiming = sharedTiming(env);
  const opened = openState(g.state, g.out, env);
  if (opened.kind === 'file') await assertSeparateDirs(g.out, g.state); // before the lock: nothing is written when they overlap
  const store = opened.store;
  if (o.shared && !(store instanceof PgStateStore)) {
    await opened.dispose();
    throw new UsageError('--shared needs a PostgreSQL state (--state postgres://…): replicas share the work through it');
  }
  let lock: StateLock;
  try {
    // Shared replicas take no exclusive lock (each video is claimed instead), but never run beside an apply.
    if (o.shared) lock = await (store as PgStateStore).sharedLock(o.command);
    else
      lock = await lockWithTimeout(store, o.command, {
        timeoutMs: o.lockTimeoutMs ?? 0,
        clock: systemClock,
        onWait: (err) => o.logger.warn(`waiting up to ${Math.round((o.lockTimeoutMs ?? 0) / 1000)}s for the state lock: ${err.message}`),
      });
    // After the state is reached (a database that cannot be reached leaves no --out behind), before anything is sent.
    await checkOutputDir(g.out).catch(async (err: unknown) => {
      await lock.release();
      throw err;
    });
  } catch (err) {
    await opened.dispose();
    throw err;
  }
  let sim: SimHandle | undefined;
  let client: ProviderClient | undefined;
  try {
    const state = (await store.read()) ?? emptyState();
    if (o.simulate) refuseRealState(state, g.state);
    const built = await buildProvider(source, {
      sim: { latency: { minMs: lat * 0.5, maxMs: lat * 1.5 }, seed: Date.now() % 100_000 },
      download: { maxBytes: maxDownloadBytes, allowHosts: o.allowDownloadHosts ?? [] },
    });
    sim = built.sim;
    const api = apiObserverHub();
    const provider = timeProvider(built.provider, api.emit);
    client = createProviderClient(provider, { pollRoundMs: o.webhook?.pollRoundMs ?? pollMs, downloadConcurrency: downloadSlotsFor(o.concurrency ?? 4) });
    const c = client;
    const artifacts = new ArtifactStore(g.out, (url, signal) => c.download(url, signal ? { signal } : {}));
    const eventLog = new EventLog(opened.eventsFile);
    const shared = o.shared ? new SharedWork({ store: store as PgStateStore, state, clock: systemClock, logger: o.logger, ...claimTiming }) : undefined;
    // On PostgreSQL no paid request leaves without its intent stored under our lease or claim (pay-guard.ts).
    const guarded = shared ? shared.wrapClient(c) : store instanceof PgStateStore ? guardSubmits(c, (id) => store.checkPayable(id)) : c;
    const inner = createController({
      store,
      state,
      client: guarded,
      artifacts,
      eventLog,
      clock: systemClock,
      logger: o.logger,
      concurrency: o.concurrency ?? 4,
      supersede: o.supersede ?? 'wait',
      selector: g.selector,
      ...(o.maxCostUsd !== undefined ? { maxCostUsd: o.maxCostUsd } : {}),
      ...(o.budgetWindowMs !== undefined ? { budgetWindowMs: o.budgetWindowMs } : {}),
      ...(o.simulate ? { simulated: true } : {}),
      ...(o.verifyOutputs ? { verifyOutputs: true } : {}),
      ...(journalMinVideos >= 0 ? { journalMinVideos } : {}),
      resolveRequest: resolveLocalInputs,
      manifestCommit,
      random: Math.random,
      retryDelayMs: retryMs,
      pollDelayMs: (n) => pollScheduleMs(n, { firstMs: pollMs, everyMs: pollMs }),
      ...o.webhook?.overrides({ client: guarded, resolveRequest: resolveLocalInputs, random: Math.random }),
    });
    const controller = shared ? shared.wrapController(inner) : inner;
    shared?.start();
    return {
      controller,
      state,
      store,
      artifacts,
      client,
      sim,
      shared,
      onApiRequest: api.on,
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

/** A simulated run never writes into a state that records real renders (it would mix placeholders in). */
function refuseRealState(state: StateFile, file: string): void {
  const real = Object.values(state.videos).filter((v) => !v.simulated);
  if (real.length === 0) return;
  throw new ReelctlError(
    `${file} records ${real.length} real render(s) (e.g. ${real[0]!.name}); --simulate never writes into a real state. Leave out --state and --out to use the simulated ones (${SIMULATED_STATE}, ${SIMULATED_OUT}/), or name other files.`,
    { code: 'state.real' },
  );
}

/** Claim timing for --shared (env overrides for tests: REELCTL_CLAIM_TTL_MS). */
function sharedTiming(env: NodeJS.ProcessEnv): { ttlMs?: number } {
  const ttl = envInt(env, 'REELCTL_CLAIM_TTL_MS', 0, { min: 1, max: 3_600_000 });
  return ttl > 0 ? { ttlMs: ttl } : {};
}
