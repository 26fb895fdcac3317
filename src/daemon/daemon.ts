// `reelctl run`: the reconciler as a long-running process. Watches the manifests, reloads on change
// (keeping the last good set when a save is invalid), resyncs periodically, serves health and metrics,
// and on SIGTERM/SIGINT stops submitting, persists and exits 0 within the grace period.
import type { Logger } from '../log.js';
import type { LoadResult } from '../manifest/model.js';
import type { Runtime } from '../cli/runtime.js';
import { startHttp } from './http.js';
import { createMetrics } from './metrics.js';
import { watchManifests, type ManifestWatcher } from './watch.js';

export interface DaemonOptions {
  paths: string[];
  load: (paths: string[]) => Promise<LoadResult>;
  runtime: Runtime;
  listen: string;
  resyncMs: number;
  logger: Logger;
  version: string;
  debounceMs?: number;
}

export interface Daemon {
  address: string;
  /** Resolves after a graceful stop. */
  stopped: Promise<void>;
  stop(reason: string): Promise<void>;
  reload(why: string): Promise<boolean>;
}

export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const { controller } = o.runtime;
  const log = o.logger;
  let manifestsOk = false;
  let lastError = '';
  const metrics = createMetrics(controller, o.runtime.client, o.version);

  async function reload(why: string): Promise<boolean> {
    const t0 = Date.now();
    const r = await o.load(o.paths);
    if (r.problems.length > 0) {
      metrics.loadErrors.inc();
      lastError = `${r.problems.length} problem(s) in manifests; keeping the last good set`;
      for (const p of r.problems) log.error({ file: p.file, line: p.line, col: p.col, code: p.code }, `${p.file}:${p.line}:${p.col}: ${p.message}`);
      log.warn({ why }, lastError);
      return false;
    }
    manifestsOk = true;
    lastError = '';
    controller.setDesired(r.videos);
    log.info({ why, videos: r.videos.length, ms: Date.now() - t0 }, 'manifests loaded');
    return true;
  }

  await reload('start');
  controller.start();
  const http = await startHttp(o.listen, metrics.registry, () => {
    const checks = { stateLoaded: true, lockHeld: true, manifestsLoaded: manifestsOk, providerBreakerClosed: !o.runtime.client.breakerOpen, ...(lastError ? { lastError } : {}) };
    return { ready: manifestsOk && !o.runtime.client.breakerOpen, checks };
  });
  log.info({ address: http.address }, `listening on http://${http.address} (/healthz /readyz /metrics)`);
  const watcher: ManifestWatcher = watchManifests(o.paths, (changed) => void reload(`changed: ${changed.slice(0, 3).join(', ')}${changed.length > 3 ? ' …' : ''}`), o.debounceMs);
  await watcher.ready;
  const resync = setInterval(() => void reload('resync').then(() => controller.resync()), o.resyncMs);

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping: Promise<void> | undefined;
  const stop = (reason: string) =>
    (stopping ??= (async () => {
      log.info({ reason }, 'stopping: no new submissions; in-flight renders are recorded and resume at the next start');
      clearInterval(resync);
      await watcher.close();
      await controller.stop();
      metrics.close();
      await http.close();
      await o.runtime.close();
      resolveStopped();
    })());
  return { address: http.address, stopped, stop, reload };
}
