// `--state` → a StateStore: a PostgreSQL URL (postgres:// or postgresql://) or a file path (the default).
// Also says where the event log goes: beside the state file, or under --out for a database state (which
// has no directory of its own).
import path from 'node:path';
import { forceUnlockFile } from './file-unlock.js';
import { FileStateStore } from './file-store.js';
import type { StateStore } from './model.js';
import { isPgUrl } from './pg/url.js';
import { PgStateStore } from './pg/store.js';

export interface OpenedState {
  store: StateStore;
  /** For messages: the file path, or the URL without its password. */
  label: string;
  kind: 'file' | 'postgres';
  /** The JSONL event log of apply/run. */
  eventsFile: string;
  /** Frees connections (after the lock is released). */
  dispose(): Promise<void>;
  /** `reelctl state force-unlock`. */
  forceUnlock(force: boolean): Promise<string>;
}

export function openState(spec: string, out: string, env: NodeJS.ProcessEnv): OpenedState {
  if (isPgUrl(spec)) {
    const store = new PgStateStore(spec, env);
    return {
      store,
      label: store.label,
      kind: 'postgres',
      eventsFile: eventsFileFor(spec, out),
      dispose: () => store.end(),
      forceUnlock: (force) => store.forceUnlock(force),
    };
  }
  return {
    store: new FileStateStore(spec),
    label: spec,
    kind: 'file',
    eventsFile: eventsFileFor(spec, out),
    dispose: async () => undefined,
    forceUnlock: (force) => forceUnlockFile(`${spec}.lock`, force),
  };
}

/** The event log: beside the state file, or `<out>/.reelctl/events.jsonl` for a database state. */
export function eventsFileFor(spec: string, out: string): string {
  return isPgUrl(spec) ? path.join(out, '.reelctl', 'events.jsonl') : path.join(path.dirname(path.resolve(spec)), 'events.jsonl');
}
