// `reelctl run` as a library: HTTP first (so probes answer while we start), then the runtime (state
// lock + controller), the watcher, the first load and the workers; a resync loop reloads everything
// periodically. stop() undoes it in the order that loses nothing: stop taking work, let the controller
// persist in-flight steps, then close the server and release the lock.
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { LoadedVideo } from '../manifest/model.js';
import type { Controller, ControllerEvent } from '../reconcile/controller-api.js';
import { startHttpServer, type HttpServer, type Readiness } from './http.js';
import { computeReadiness } from './readiness.js';
import { createMetrics, type DaemonMetrics, type ProviderStats } from './metrics.js';
import type { ApiObservation } from './api-timing.js';
import { formatAddress, type ListenAddress } from './options.js';
import { createReloader, type ChangedLoader, type Loader, type Reloader } from './reload.js';
import { DEFAULT_DEBOUNCE_MS, watchManifests, type ManifestWatcher } from './watch.js';
import type { FsWatch } from './watch-tree.js';
import { watchRoots } from './root-watch.js';

const DEFAULT_RESYNC_MS = 5 * 60_000;

/** What the daemon needs from `createRuntime` (state loaded + lock held once it resolves). */
interface DaemonRuntime {
  controller: Controller;
  close(): Promise<void>;
  /** True while the provider's breaker pauses submits. */
  breakerOpen?: () => boolean;
  providerStats?: () => ProviderStats | undefined;
  /** Webhook calls by result (run --webhook-listen). */
  webhookCounts?: () => Record<string, number>;
  /** Extra per-replica metrics (run --shared) registered next to the daemon's own. */
  attachMetrics?: (registry: Registry) => void;
  /** Extra facts for /readyz details (run --shared: claims held, takeovers, fenced writes). */
  readinessDetails?: () => Record<string, unknown>;
  /** Subscribes to the timing of every API request (the metrics' api_request_duration histogram). */
  onApiRequest?: (listener: (o: ApiObservation) => void) => () => void;
}

export interface DaemonDeps {
  paths: string[];
  loader: Loader;
  /** Loads only the files a change touched; absent: every change reloads everything. */
  loadChanged?: ChangedLoader;
  createRuntime: () => Promise<DaemonRuntime>;
  clock: Clock;
  logger: Logger;
  listen: ListenAddress;
  resyncMs?: number;
  debounceMs?: number;
  /** How often to check what each manifests path resolves to (appears, symlink swapped). */
  rootPollMs?: number;
  select?: (v: LoadedVideo) => boolean;
  version?: string;
  /** Called as soon as the HTTP server is bound (before the runtime starts). */
  onListening?: (address: ListenAddress) => void;
  /** Aborting it stops the daemon, also mid-startup (before any worker starts). */
  signal?: AbortSignal;
  /** Called once the controller exists (e.g. to attach the progress view). */
  onController?: (controller: Controller) => void;
  /** Default fs.watch (tests count the watches held). */
  watchWith?: FsWatch;
}

export interface Daemon {
  address: ListenAddress;
  readiness(): Readiness;
  metrics: DaemonMetrics;
  reloader: Reloader;
  /** Graceful stop; idempotent; resolves when everything is closed and the lock released. */
  stop(reason?: string): Promise<void>;
}

export async function startDaemon(deps: DaemonDeps): Promise<Daemon> {
  const { clock, logger } = deps;
  const startedAt = clock.now();
  let runtime: DaemonRuntime | undefined;
  let stopping = false;
  // Aborted at stop(): a manifests load in progress (seconds on a large tree) is abandoned, not awaited.
  const stopAbort = new AbortController();
  const stopped = new Promise<void>((resolve) => stopAbort.signal.addEventListener('abort', () => resolve(), { once: true }));
  /** `p`, or nothing once a stop is asked for (startup never keeps a stop waiting on a long step). */
  const unlessStopped = (p: Promise<unknown>) => Promise.race([p, stopped]);
  const live = () => (stopping ? undefined : runtime?.controller);

  const reloader = createReloader({
    paths: deps.paths,
    loader: deps.loader,
    ...(deps.loadChanged ? { loadChanged: deps.loadChanged } : {}),
    controller: live,
    signal: stopAbort.signal,
    clock,
    logger,
    ...(deps.select ? { select: deps.select } : {}),
    onLoaded: (ok, ms, n) => metrics.observeReload(ok, ms, n),
  });

  const readiness = (): Readiness => {
    const r = baseReadiness();
    const extra = runtime?.readinessDetails?.();
    return extra ? { ...r, details: { ...r.details, shared: extra } } : r;
  };
  const baseReadiness = (): Readiness =>
    computeReadiness({
      stopping,
      stateLocked: runtime !== undefined,
      manifestsApplied: reloader.loaded,
      breakerOpen: runtime?.breakerOpen?.() ?? false,
      manifests: reloader.condition(),
      queueDepth: live()?.queueDepth() ?? 0,
    });

  const metrics = createMetrics({
    controller: live,
    providerStats: () => runtime?.providerStats?.(),
    webhooks: () => runtime?.webhookCounts?.(),
    breakerOpen: () => runtime?.breakerOpen?.() ?? false,
    manifests: () => reloader.condition(),
    ready: () => readiness().ready,
    version: deps.version ?? '0.0.0',
    desiredNames: () => reloader.names(),
    now: () => clock.now(),
  });

  const server: HttpServer = await startHttpServer(
    deps.listen,
    {
      liveness: () => ({ alive: true, details: { uptimeSeconds: Math.round((clock.now() - startedAt) / 1000) } }),
      readiness,
      metrics: async () => ({ contentType: metrics.contentType, body: await metrics.render() }),
    },
    logger,
  );
  logger.info({ address: formatAddress(server.address) }, `listening on ${formatAddress(server.address)} (/healthz /readyz /metrics)`);
  deps.onListening?.(server.address);

  let watcher: ManifestWatcher | undefined;
  let roots: { close(): void } | undefined;
  let unsubscribe: (() => void) | undefined;
  const resyncAbort = new AbortController();
  let stopPromise: Promise<void> | undefined;
  let startup: Promise<void> = Promise.resolve();

  const stop = (reason = 'stop'): Promise<void> => {
    stopPromise ??= (async () => {
      stopping = true;
      logger.info({ reason }, 'stopping: no new work; letting in-flight steps persist');
      stopAbort.abort();
      resyncAbort.abort();
      // Startup notices `stopping` at its next step and returns without starting workers; wait for it so
      // whatever it already built (the runtime and its lock, the watcher) is closed below, not leaked.
      await startup.catch(() => {});
      roots?.close();
      await step('close watcher', () => watcher?.close());
      await step('stop controller', () => runtime?.controller.stop());
      // The abandoned load stops at its next file; wait for it so no parse-cache temp file outlives us.
      await step('abandon manifests load', () => reloader.idle());
      unsubscribe?.();
      await step('close http server', () => server.close());
      await step('release state', () => runtime?.close());
      logger.info('stopped');
    })();
    return stopPromise;
  };

  async function step(what: string, fn: () => Promise<void> | void | undefined): Promise<void> {
    try {
      await fn();
    } catch (err) {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, `${what} failed`);
    }
  }

  async function startUp(): Promise<void> {
    runtime = await deps.createRuntime();
    if (stopping) return;
    const controller = runtime.controller;
    runtime.attachMetrics?.(metrics.registry);
    const offs = [controller.on((e: ControllerEvent) => metrics.onEvent(e)), metrics.attach(controller), runtime.onApiRequest?.((o) => metrics.observeApi(o))];
    unsubscribe = () => offs.forEach((off) => off?.());
    deps.onController?.(controller);
    const watch = () =>
      watchManifests({
        paths: deps.paths,
        debounceMs: deps.debounceMs ?? DEFAULT_DEBOUNCE_MS,
        clock,
        logger,
        ...(deps.watchWith ? { watchWith: deps.watchWith } : {}),
        onChange: (changed, firstAt, unsure) => {
          // A watch error (e.g. the kernel's event queue overflowed) may have lost events: read everything.
          void (unsure ? reloader.reload('watch-error') : reloader.changed(changed)).then(() => {
            const c = reloader.condition();
            logger.info(
              { files: changed.length, ms: clock.now() - firstAt, applied: c.status === 'True', full: unsure },
              'reloaded after change (save → desired)',
            );
          });
        },
      });
    watcher = watch();
    // A path that appears later or is swapped by a symlink rename (git-sync): watch the new target, reload.
    roots = watchRoots({
      paths: deps.paths,
      clock,
      ...(deps.rootPollMs !== undefined ? { intervalMs: deps.rootPollMs } : {}),
      onChange: (changed) => {
        if (stopping) return;
        logger.info({ paths: changed }, 'manifests path appeared or now points elsewhere: re-watching and reloading');
        const old = watcher;
        watcher = watch();
        void old?.close();
        void reloader.reload('path-changed');
      },
    });
    await unlessStopped(watcher.ready); // the first scan of a large tree takes seconds
    if (stopping) return;
    await unlessStopped(reloader.reload('startup'));
    if (stopping) return; // never start workers (and submit) after a stop was asked for
    controller.start();
    void resyncLoop(deps.resyncMs ?? DEFAULT_RESYNC_MS);
  }

  const onAbort = () => void stop(typeof deps.signal?.reason === 'string' ? deps.signal.reason : 'aborted');
  if (deps.signal?.aborted) onAbort();
  else deps.signal?.addEventListener('abort', onAbort, { once: true });
  startup = startUp();
  try {
    await startup;
  } catch (err) {
    await stop('startup failed');
    throw err;
  }

  async function resyncLoop(ms: number): Promise<void> {
    for (;;) {
      try {
        await clock.sleep(ms, resyncAbort.signal);
      } catch {
        return; // aborted by stop()
      }
      await reloader.reload('resync');
      live()?.resync();
      metrics.observeResync();
    }
  }

  function daemon(): Daemon {
    return { address: server.address, readiness, metrics, reloader, stop };
  }
  return daemon();
}
