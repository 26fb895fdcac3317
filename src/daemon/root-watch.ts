// Notices a manifests path that appears, disappears or is swapped by an atomic symlink rename (git-sync
// publishes each checkout as a new directory and renames a link over the old one). File watchers follow
// the directory they started on and miss that; this checks what each path resolves to, every few seconds,
// and reports a change so the daemon re-watches and reloads without waiting for the resync.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../clock.js';

const DEFAULT_ROOT_POLL_MS = 2000;

export interface RootWatchOptions {
  paths: string[];
  intervalMs?: number;
  clock: Clock;
  /** Called with the paths whose target changed (appeared, vanished, or now resolves elsewhere). */
  onChange(changed: string[]): void;
}

/** What `p` is right now: its real path and inode, or null when it does not exist. */
export async function rootIdentity(p: string): Promise<string | null> {
  try {
    const real = await realpath(path.resolve(p));
    return `${real}#${(await stat(real)).ino}`;
  } catch {
    return null;
  }
}

export function watchRoots(o: RootWatchOptions): { ready: Promise<void>; close(): void } {
  const abort = new AbortController();
  const seen = new Map<string, string | null>();
  const snapshot = async () => {
    const changed: string[] = [];
    for (const p of o.paths) {
      const id = await rootIdentity(p);
      if (seen.has(p) && seen.get(p) !== id) changed.push(p);
      seen.set(p, id);
    }
    return changed;
  };
  const ready = snapshot().then(() => undefined);
  void (async () => {
    await ready;
    for (;;) {
      try {
        await o.clock.sleep(o.intervalMs ?? DEFAULT_ROOT_POLL_MS, abort.signal);
      } catch {
        return; // closed
      }
      const changed = await snapshot();
      if (changed.length > 0 && !abort.signal.aborted) o.onChange(changed);
    }
  })();
  return { ready, close: () => abort.abort() };
}
