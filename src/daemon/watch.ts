// Watches the manifests tree (watch-tree.ts: one fs.watch per directory) and turns bursts of file events
// into one debounced "something changed" callback. It owns the ignore rules for editor noise; it never reads manifests —
// the callback re-reads everything after the debounce, which is what makes atomic saves
// (write temp file, rename over) safe: by the time we load, the rename has landed. The trailing debounce
// also stands in for awaitWriteFinish: a file still being written keeps producing `change` events, so we
// only load once writes have been quiet for `debounceMs` (without awaitWriteFinish's stat polling and delay).
import path from 'node:path';
import type { Stats } from 'node:fs';
import { WatchTree, type FsWatch } from './watch-tree.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';

export const DEFAULT_DEBOUNCE_MS = 300;

/** Editor swap/backup/lock files and anything else that is never a manifest. */
const NOISE = [/^\..*\.sw[a-p]$/, /\.swx$/, /~$/, /^\.#/, /^#.*#$/, /^4913$/, /\.tmp$/i];

/** True for paths the watcher must ignore: dot-files/dirs, editor noise, non-YAML files. */
export function isIgnoredPath(p: string, stats?: Stats, roots: readonly string[] = []): boolean {
  if (roots.includes(p)) return false; // a root is watched even when it is `.` or a dot-dir
  const base = path.basename(p);
  if (base.startsWith('.')) return true;
  if (NOISE.some((re) => re.test(base))) return true;
  // Directories must pass so we descend; files must be YAML. Without stats we cannot tell yet.
  if (stats?.isFile()) return !isManifestFile(base);
  return false;
}

function isManifestFile(p: string): boolean {
  return /\.ya?ml$/i.test(p);
}

export interface WatchOptions {
  /** Files or directories (as given on the command line). */
  paths: string[];
  debounceMs?: number;
  clock: Clock;
  logger: Logger;
  /**
   * Called once per burst, after `debounceMs` of quiet, with the paths that changed (files, and directories
   * added or removed) and when the burst began. `unsure`: the watcher reported an error meanwhile (events
   * may be lost, e.g. an inotify queue overflow), so `changed` may be incomplete.
   */
  onChange(changed: string[], firstEventAt: number, unsure: boolean): void;
  /** Default fs.watch (tests wrap it to reach a watch, e.g. to emit an error). */
  watchWith?: FsWatch;
}

export interface ManifestWatcher {
  /** Resolves when the initial scan is done (events before this are not reported). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchManifests(opts: WatchOptions): ManifestWatcher {
  const debounceMs = opts.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const roots = opts.paths.map((p) => path.resolve(p));
  const pending = new Set<string>();
  let firstEventAt = 0;
  let timer: AbortController | undefined;
  let closed = false;
  let unsure = false;

  const fire = () => {
    timer?.abort();
    const t = new AbortController();
    timer = t;
    opts.clock.sleep(debounceMs, t.signal).then(
      () => {
        if (closed || timer !== t) return;
        timer = undefined;
        const changed = [...pending].sort();
        const lost = unsure;
        pending.clear();
        unsure = false;
        opts.onChange(changed, firstEventAt, lost);
      },
      () => {}, // superseded by a newer event or closed: the newer timer reports
    );
  };

  // Events before the first scan is done are not reported (the caller's first load reads everything).
  let started = false;
  const tree = new WatchTree({
    roots,
    ignored: (p) => isIgnoredPath(p, undefined, roots),
    isManifest: (p) => roots.includes(p) || isManifestFile(p),
    changed: (p) => {
      if (!started) return;
      opts.logger.debug({ path: p }, 'manifest change');
      note(p);
    },
    error: (err) => {
      opts.logger.warn({ err: String(err) }, 'watch error: reloading everything');
      if (!started) return;
      unsure = true;
      note(undefined);
    },
    ...(opts.watchWith ? { watch: opts.watchWith } : {}),
  });
  const note = (p: string | undefined) => {
    if (pending.size === 0 && !unsure) firstEventAt = opts.clock.now();
    if (p !== undefined) pending.add(p);
    fire();
  };

  const ready = tree.start().then(() => {
    started = true;
  });
  return {
    ready,
    close() {
      closed = true;
      timer?.abort();
      tree.close();
      return Promise.resolve();
    },
  };
}
