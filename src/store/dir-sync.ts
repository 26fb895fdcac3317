// Group commit for directory fsyncs. A rename is durable once its directory has been fsynced by a sync that
// STARTED after the rename: so callers who arrive while a sync of the same directory is running share the
// next one, which starts as soon as the running one ends. N downloads finishing together cost two fsyncs of
// their directory, not N — with the same guarantee for each (a caller returns only after such a sync).
import { open } from 'node:fs/promises';

type SyncOne = (dir: string) => Promise<void>;

const fsyncDir: SyncOne = async (dir) => {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
};

interface KeyState<T> {
  running?: Promise<T>;
  /** The run that will start when `running` ends; every caller since `running` started waits for it. */
  next?: Promise<T>;
}

export function createDirSyncer(syncOne: SyncOne = fsyncDir): (dir: string) => Promise<void> {
  return groupByKey(syncOne);
}

/**
 * The same sharing for any per-key operation: each caller gets the result of a run that STARTED after its call
 * (e.g. a directory listing that sees every file renamed into it before the call).
 */
export function groupByKey<T>(runOne: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const keys = new Map<string, KeyState<T>>();
  const start = (key: string, s: KeyState<T>): Promise<T> => {
    const p = runOne(key).finally(() => {
      if (s.running === p) s.running = undefined;
      if (!s.running && !s.next) keys.delete(key);
    });
    s.running = p;
    return p;
  };
  return (key) => {
    let s = keys.get(key);
    if (!s) keys.set(key, (s = {}));
    if (!s.running) return start(key, s);
    if (s.next) return s.next;
    const state = s;
    const next = s.running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        state.next = undefined;
        return start(key, state);
      });
    state.next = next;
    return next;
  };
}
