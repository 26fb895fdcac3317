// Loads the manifests and hands the desired set to the controller — or, when they are invalid, keeps
// the last good set and records why (nothing is lost on bad input: a half-finished edit must never
// look like "all videos were deleted"). Reloads are serialised; requests during a load run once after it.
// A full load reads the whole tree (start-up, resync, a watch error, a root swapped); after a clean full
// load, a change loads only the files the watcher reported (`changed`) and patches the controller's set
// with the videos of those files (reload-index.ts keeps the rest and checks the cross-file rules).
import type { ManifestProblem } from '../errors.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { LoadedVideo, LoadResult } from '../manifest/model.js';
import type { ChangedLoad } from '../manifest/load-changed.js';
import type { Controller } from '../reconcile/controller-api.js';
import { ManifestIndex } from './reload-index.js';

/** `signal`: the daemon is stopping; a loader may stop reading and reject. */
export type Loader = (paths: string[], signal?: AbortSignal) => Promise<LoadResult>;
/** Loads only what is at or under `changed` (paths inside `paths`); see manifest/load-changed.ts. */
export type ChangedLoader = (paths: string[], changed: string[], signal?: AbortSignal) => Promise<ChangedLoad>;

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
  /** Of `reloads`, how many loaded only the changed files. */
  incremental: number;
  /** Problems found, summed over failed loads. */
  problemsTotal: number;
  lastDurationMs: number;
}

export interface ReloaderOptions {
  paths: string[];
  loader: Loader;
  /** Absent: every change is a full load. */
  loadChanged?: ChangedLoader;
  /** What the loaders' `source.file` is relative to (default: the process's cwd). */
  cwd?: string;
  /** Aborted when the daemon stops: a load in progress is abandoned, none starts. */
  signal?: AbortSignal;
  controller: () => Controller | undefined;
  clock: Clock;
  logger: Logger;
  select?: (v: LoadedVideo) => boolean;
  /** Observed once per finished load (ms). */
  onLoaded?: (ok: boolean, durationMs: number, problems: number) => void;
}

export interface Reloader {
  /** A full load now (or right after the load in progress); resolves when that load finished. */
  reload(reason: string): Promise<void>;
  /** Loads what is at or under these paths (a full load when unsure); resolves when applied. */
  changed(paths: string[]): Promise<void>;
  /** Resolves when no load is running (after a stop: once the abandoned one has let go of its files). */
  idle(): Promise<void>;
  /** True once a valid set has been handed to the controller. */
  readonly loaded: boolean;
  condition(): ManifestCondition;
  stats(): ReloadStats;
  /** Names in the set last handed to the controller (undefined before the first valid load). */
  names(): ReadonlySet<string> | undefined;
}

export function createReloader(o: ReloaderOptions): Reloader {
  const cwd = o.cwd ?? process.cwd();
  let loaded = false;
  let names: Set<string> | undefined;
  let cond: ManifestCondition = { status: 'Unknown', reason: ManifestReason.NotLoaded, message: 'manifests not loaded yet', problems: [], videos: 0 };
  const stats: ReloadStats = { reloads: 0, incremental: 0, problemsTotal: 0, lastDurationMs: 0 };
  // The tree as last read, when the last full load was clean; undefined: the next change loads everything.
  let index: ManifestIndex | undefined;
  // False when the controller's set is behind `index` (a change was invalid): the next good one applies all.
  let inSync = false;

  function invalid(reason: string, problems: ManifestProblem[], started: number, ms: number): void {
    stats.problemsTotal += problems.length;
    for (const p of problems) o.logger.error({ code: p.code }, `${p.file}:${p.line}:${p.col}: ${p.message}`);
    const kept = loaded ? `keeping the last good set of ${cond.videos} video(s)` : 'nothing applied yet';
    o.logger.warn({ reason, problems: problems.length }, `manifests invalid: ${kept}`);
    cond = {
      status: 'False',
      reason: ManifestReason.ManifestsInvalid,
      message: `${problems.length} problem(s) in manifests; ${kept}`,
      problems,
      lastLoadAt: started,
      videos: cond.videos,
    };
    o.onLoaded?.(false, ms, problems.length);
  }

  /** Hands the set over; false (and the condition says why) when the controller threw. */
  function apply(fn: (c: Controller) => void, started: number, ms: number): boolean {
    const controller = o.controller();
    if (!controller) return true;
    try {
      fn(controller);
      loaded = true;
      return true;
    } catch (err) {
      // Never let a controller bug kill the daemon through an unhandled rejection: report, retry at resync.
      o.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'controller rejected the desired set');
      cond = {
        ...cond,
        status: 'Unknown',
        reason: ManifestReason.ApplyFailed,
        message: 'the controller rejected the desired set; retrying at the next change or resync',
        lastLoadAt: started,
      };
      inSync = false;
      o.onLoaded?.(false, ms, 0);
      return false;
    }
  }

  function applied(reason: string, videos: number, files: number, started: number, ms: number): void {
    cond = { status: 'True', reason: ManifestReason.Loaded, message: `${videos} video(s) from ${files} file(s)`, problems: [], lastLoadAt: started, videos };
    o.logger.info({ reason, videos, files, ms: Math.round(ms) }, 'manifests loaded');
    o.onLoaded?.(true, ms, 0);
  }

  async function fullLoad(reason: string): Promise<void> {
    const started = o.clock.now();
    o.logger.info({ reason }, 'loading manifests');
    let result: LoadResult;
    try {
      result = await o.loader(o.paths, o.signal);
    } catch (err) {
      if (o.signal?.aborted) return; // stopping: nothing to apply or report
      const message = err instanceof Error ? err.message : String(err);
      result = { videos: [], problems: [{ file: o.paths.join(','), line: 1, col: 1, code: 'load.failed', message }], files: [] };
    }
    const ms = o.clock.now() - started;
    stats.reloads++;
    stats.lastDurationMs = ms;
    index = result.problems.length === 0 ? ManifestIndex.fromVideos(result.videos, cwd, result.files) : undefined;
    inSync = false;
    if (result.problems.length > 0) return invalid(reason, result.problems, started, ms);
    const videos = o.select ? result.videos.filter(o.select) : result.videos;
    if (!apply((c) => c.setDesired(videos), started, ms)) return;
    if (o.controller()) {
      names = new Set(videos.map((v) => v.name));
      inSync = true;
    }
    applied(reason, videos.length, result.files.length, started, ms);
  }

  async function changedLoad(paths: string[]): Promise<void> {
    const reason = 'change';
    if (!index || !o.loadChanged || !loaded) return fullLoad(reason);
    const started = o.clock.now();
    let r: ChangedLoad;
    try {
      r = await o.loadChanged(o.paths, paths, o.signal);
    } catch (err) {
      if (o.signal?.aborted) return;
      o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'loading the changed files failed: loading everything');
      return fullLoad(reason);
    }
    const { before, after } = index.update(r);
    const problems = index.problems();
    const ms = o.clock.now() - started;
    stats.reloads++;
    stats.incremental++;
    stats.lastDurationMs = ms;
    if (problems.length > 0) {
      inSync = false;
      return invalid(reason, problems, started, ms);
    }
    const select = o.select ?? (() => true);
    const ctl = o.controller();
    if (!ctl) return;
    if (inSync && ctl.patchDesired && names) {
      const upsert = after.filter(select);
      const keep = new Set(upsert.map((v) => v.name));
      const remove = [...new Set(before.map((v) => v.name))].filter((n) => !keep.has(n));
      if (!apply((c) => c.patchDesired!(upsert, remove), started, ms)) return;
      for (const n of remove) names.delete(n);
      for (const n of keep) names.add(n);
      applied(reason, names.size, index.size, started, ms);
      return;
    }
    // The controller is behind (an invalid change since), or cannot patch: hand it the whole set.
    const videos = index.videos().filter(select);
    if (!apply((c) => c.setDesired(videos), started, ms)) return;
    names = new Set(videos.map((v) => v.name));
    inSync = true;
    applied(reason, videos.length, index.size, started, ms);
  }

  // One drain loop: a full load asked for supersedes the changed paths gathered so far.
  let fullReason: string | undefined;
  const pending = new Set<string>();
  let running: Promise<void> | undefined;
  const drain = (): Promise<void> =>
    (running ??= (async () => {
      try {
        while ((fullReason !== undefined || pending.size > 0) && !o.signal?.aborted) {
          if (fullReason !== undefined) {
            const reason = fullReason;
            fullReason = undefined;
            pending.clear();
            await fullLoad(reason);
          } else {
            const paths = [...pending];
            pending.clear();
            await changedLoad(paths);
          }
        }
      } finally {
        running = undefined;
      }
    })());

  return {
    reload(reason) {
      fullReason = reason;
      return drain();
    },
    changed(paths) {
      for (const p of paths) pending.add(p);
      return drain();
    },
    idle: () => (running ?? Promise.resolve()).catch(() => undefined),
    get loaded() {
      return loaded;
    },
    condition: () => cond,
    stats: () => ({ ...stats }),
    names: () => names,
  };
}
