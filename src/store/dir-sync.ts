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

interface DirState {
  running?: Promise<void>;
  /** The sync that will start when `running` ends; every caller since `running` started waits for it. */
  next?: Promise<void>;
}

export function createDirSyncer(syncOne: SyncOne = fsyncDir): (dir: string) => Promise<void> {
  const dirs = new Map<string, DirState>();
  const start = (dir: string, s: DirState): Promise<void> => {
    const p = syncOne(dir).finally(() => {
      if (s.running === p) s.running = undefined;
      if (!s.running && !s.next) dirs.delete(dir);
    });
    s.running = p;
    return p;
  };
  return (dir) => {
    let s = dirs.get(dir);
    if (!s) dirs.set(dir, (s = {}));
    if (!s.running) return start(dir, s);
    if (s.next) return s.next;
    const state = s;
    const next = state.running!.catch(() => undefined).then(() => {
      state.next = undefined;
      return start(dir, state);
    });
    state.next = next;
    return next;
  };
}
