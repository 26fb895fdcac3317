// Watches the manifests tree (chokidar) and turns bursts of file events into one debounced
// "something changed" callback. It owns the ignore rules for editor noise; it never reads manifests —
// the callback re-reads everything after the debounce, which is what makes atomic saves
// (write temp file, rename over) safe: by the time we load, the rename has landed. The trailing debounce
// also stands in for awaitWriteFinish: a file still being written keeps producing `change` events, so we
// only load once writes have been quiet for `debounceMs` (without awaitWriteFinish's stat polling and delay).
import path from 'node:path';
import type { Stats } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
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
  /** Default chokidar's `watch` (tests wrap it to reach the watcher, e.g. to emit an error). */
  watchWith?: typeof watch;
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

  const watcher: FSWatcher = (opts.watchWith ?? watch)(roots, {
    ignoreInitial: true,
    ignored: (p: string, stats?: Stats) => isIgnoredPath(p, stats, roots),
    // unlink + add within this window is reported as one change (editors' rename-over saves).
    atomic: true,
  });
  watcher.on('all', (event, p) => {
    const isDirEvent = event === 'addDir' || event === 'unlinkDir';
    if (!isDirEvent && !isManifestFile(p)) return;
    // A directory added is reported too (a directory renamed in: its files are loaded by walking it).
    opts.logger.debug({ event, path: p }, 'manifest change');
    note(p);
  });
  const note = (p: string | undefined) => {
    if (pending.size === 0 && !unsure) firstEventAt = opts.clock.now();
    if (p !== undefined) pending.add(p);
    fire();
  };
  watcher.on('error', (err) => {
    opts.logger.warn({ err: String(err) }, 'watch error: reloading everything');
    unsure = true;
    note(undefined);
  });

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      closed = true;
      timer?.abort();
      await watcher.close();
    },
  };
}
