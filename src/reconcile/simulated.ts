// Simulated renders never pass for real. A `--simulate` run marks every record it writes; a real run meets
// such a record as if the video had never been rendered: it drops the record (its task UUIDs belong to the
// simulator, its cost was never paid) and removes the placeholder files that are still exactly what the
// simulator wrote, so the real render takes their place. A file edited since is left alone.
import { checkOutput } from '../store/output-check.js';
import type { VideoState } from '../state/model.js';
import type { ReconcileDeps, Records } from './context.js';

/** True when `v` was written by the other kind of run than this one. */
export const foreignRecord = (deps: Pick<ReconcileDeps, 'simulated'>, v: VideoState): boolean => !!v.simulated && !deps.simulated;

/** A real run discards a simulated record (and its unchanged placeholder files). */
export async function discardSimulated(deps: ReconcileDeps, records: Records, v: VideoState): Promise<void> {
  for (const o of [...v.outputs, ...(v.previous?.outputs ?? [])])
    if ((await checkOutput(deps.artifacts.outDir, o)) === 'ok') await deps.artifacts.remove(o.path);
  deps.logger.info({ video: v.name }, 'found a simulated render in the state: it is not a real one, rendering for real');
  records.drop(v.name);
}
