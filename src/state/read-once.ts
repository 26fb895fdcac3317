// Reading the state once (status, plan, describe). A state file needs only the file store: the PostgreSQL
// store, and node-postgres with it (~50 ms of module loading on every `reelctl plan`), load for a database
// state only.
import { FileStateStore } from './file-store.js';
import type { StateFile } from './model.js';
import { isPgUrl } from './pg/url.js';

/** Reads the state once and frees the connection. */
export async function readStateOnce(spec: string, out: string, env: NodeJS.ProcessEnv): Promise<StateFile | null> {
  if (!isPgUrl(spec)) return new FileStateStore(spec).read();
  const { openState } = await import('./open.js');
  const s = openState(spec, out, env);
  try {
    return await s.store.read();
  } finally {
    await s.dispose();
  }
}
