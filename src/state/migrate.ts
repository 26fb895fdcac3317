// `reelctl state migrate`: copy a state between backends (file ↔ PostgreSQL, or file → file), keeping
// its lineage and serial. Both sides are locked for the copy, and a target that already holds a state is
// never overwritten.
import { StateError } from '../errors.js';
import type { StateLock } from './model.js';
import type { OpenedState } from './open.js';

export interface MigrateResult {
  videos: number;
  serial: number;
}

export async function migrateState(from: OpenedState, to: OpenedState, command = 'reelctl state migrate'): Promise<MigrateResult> {
  const locks: StateLock[] = [];
  try {
    locks.push(await from.store.lock(command));
    locks.push(await to.store.lock(command));
    const src = await from.store.read();
    if (!src) throw new StateError(`no state at ${from.label} to migrate`, { code: 'state.migrate-empty' });
    const existing = await to.store.read();
    if (existing)
      throw new StateError(
        `${to.label} already holds a state (serial ${existing.serial}, ${Object.keys(existing.videos).length} video(s), lineage ${existing.lineage}); refusing to overwrite it. Nothing was written`,
        { code: 'state.migrate-target' },
      );
    const written = await to.store.write(src);
    const back = await to.store.read();
    const n = Object.keys(src.videos).length;
    if (!back || back.lineage !== src.lineage || Object.keys(back.videos).length !== n)
      throw new StateError(`the copy at ${to.label} does not read back as written; the source ${from.label} is unchanged`, { code: 'state.migrate-verify' });
    return { videos: n, serial: written.serial };
  } finally {
    for (const l of locks.reverse()) await l.release().catch(() => undefined);
    await to.store.close?.();
    await from.store.close?.();
  }
}
