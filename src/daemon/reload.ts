// Loads the manifests and hands the desired set to the controller — or, when they are invalid, keeps
// the last good set and records why (nothing is lost on bad input: a half-finished edit must never
// look like "all videos were deleted"). Reloads are serialised; a request during a load runs once after it.
import type { ManifestProblem } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { LoadedVideo, LoadResult } from '../manifest/model.js';
import type { Controller } from '../reconcile/controller-api.js';

export type Loader = (paths: string[]) => Promise<LoadResult>;

/** The `ManifestsValid` condition's reasons, named once (as the video conditions' in state/conditions.ts). */
export const ManifestReason = {
  NotLoaded: 'NotLoaded',
  Loaded: 'Loaded',
  ManifestsInvalid: 'ManifestsInvalid',
  ApplyFailed: 'ApplyFailed',
} as const;
export type ManifestReason = (typeof ManifestReason)[keyof typeof ManifestReason];

/** The `ManifestsValid` condition, as shown in /readyz and metrics. */
export interface ManifestCondition {
  status: 'True' | 'False' | 'Unknown';
  reason: ManifestReason;
  message: string;
  problems: ManifestProblem[];
  /** ms epoch of the last attempted load. */
  lastLoadAt?: number;
  /** Videos in the desired set currently applied (the last good load). */
  videos: number;
}

interface ReloadStats {
  reloads: number;
  /** Problems found, summed over failed loads. */
  problemsTotal: number;
  lastDurationMs: number;
}

export interface ReloaderOptions {
  paths: string[];
  loader: Loader;
  controller: () => Controller | undefined;
  clock: Clock;
  logger: Logger;
  select?: (v: LoadedVideo) => boolean;
  /** Observed once per finished load (ms). */
  onLoaded?: (ok: boolean, durationMs: number, problems: number) => void;
}

export interface Reloader {
  /** Loads now (or right after the load in progress); resolves when that load finished. */
  reload(reason: string): Promise<void>;
  /** True once a valid set has been handed to the controller. */
  readonly loaded: boolean;
  condition(): ManifestCondition;
  stats(): ReloadStats;
  /** Names in the set last handed to the controller (undefined before the first valid load). */
  names(): ReadonlySet<string> | undefined;
}

export function createReloader(o: ReloaderOptions): Reloader {
  let loaded = false;
  let names: ReadonlySet<string> | undefined;
  let cond: ManifestCondition = { status: 'Unknown', reason: ManifestReason.NotLoaded, message: 'manifests not loaded yet', problems: [], videos: 0 };
  const stats: ReloadStats = { reloads: 0, problemsTotal: 0, lastDurationMs: 0 };
  let running: Promise<void> | undefined;
  let again: Promise<void> | undefined;

  async function loadOnce(reason: string): Promise<void> {
    const started = o.clock.now();
    let result: LoadResult;
    try {
      result = await o.loader(o.paths);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      result = { videos: [], problems: [{ file: o.paths.join(','), line: 1, col: 1, code: 'load.failed', message }], files: [] };
    }
    const ms = o.clock.now() - started;
    stats.reloads++;
    stats.lastDurationMs = ms;
    if (result.problems.length > 0) {
      stats.problemsTotal += result.problems.length;
      for (const p of result.problems) o.logger.error({ code: p.code }, `${p.file}:${p.line}:${p.col}: ${p.message}`);
      const kept = loaded ? `keeping the last good set of ${cond.videos} video(s)` : 'nothing applied yet';
      o.logger.warn({ reason, problems: result.problems.length }, `manifests invalid: ${kept}`);
      cond = {
        status: 'False',
        reason: ManifestReason.ManifestsInvalid,
        message: `${result.problems.length} problem(s) in manifests; ${kept}`,
        problems: result.problems,
        lastLoadAt: started,
        videos: cond.videos,
      };
      o.onLoaded?.(false, ms, result.problems.length);
      return;
    }
    const videos = o.select ? result.videos.filter(o.select) : result.videos;
    const controller = o.controller();
    if (controller) {
      try {
        controller.setDesired(videos);
      } catch (err) {
        // Never let a controller bug kill the daemon through an unhandled rejection: report, retry at resync.
        o.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'controller rejected the desired set');
        cond = { ...cond, status: 'Unknown', reason: ManifestReason.ApplyFailed, message: 'the controller rejected the desired set; retrying at the next change or resync', lastLoadAt: started };
        o.onLoaded?.(false, ms, 0);
        return;
      }
      loaded = true;
      names = new Set(videos.map((v) => v.name));
    }
    cond = { status: 'True', reason: ManifestReason.Loaded, message: `${videos.length} video(s) from ${result.files.length} file(s)`, problems: [], lastLoadAt: started, videos: videos.length };
    o.logger.info({ reason, videos: videos.length, files: result.files.length, ms: Math.round(ms) }, 'manifests loaded');
    o.onLoaded?.(true, ms, 0);
  }

  function reload(reason: string): Promise<void> {
    if (!running) {
      running = loadOnce(reason).finally(() => {
        running = undefined;
      });
      return running;
    }
    // A load is in progress and may have read files before this change: run exactly one more after it.
    again ??= running.then(() => {
      again = undefined;
      return reload(reason);
    });
    return again;
  }

  return {
    reload,
    get loaded() {
      return loaded;
    },
    condition: () => cond,
    stats: () => ({ ...stats }),
    names: () => names,
  };
}
