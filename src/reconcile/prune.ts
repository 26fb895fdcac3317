// Prune (Argo CD / Flux style): off by default; with --prune, videos whose manifests were removed are
// archived under <out>/.archive/ and dropped from state — refused when the manifest source looks broken
// (empty) or when more than a set share would go, unless forced.
import { GuardError } from '../errors.js';
import { matchesSelector } from '../manifest/selector.js';
import type { StateFile } from '../state/model.js';
import type { ArtifactStore } from '../store/artifacts.js';

export interface PruneOptions {
  desiredNames: Set<string>;
  selector: Record<string, string>;
  maxShare: number;
  force: boolean;
  now: number;
}

function orphans(state: StateFile, o: Pick<PruneOptions, 'desiredNames' | 'selector'>): string[] {
  return Object.values(state.videos)
    .filter((v) => !o.desiredNames.has(v.name) && matchesSelector(v.labels, o.selector))
    .map((v) => v.name)
    .sort();
}

/** Throws GuardError (exit 3) when pruning looks unsafe; returns the names that may go. */
export function checkPrune(state: StateFile, o: PruneOptions): string[] {
  const gone = orphans(state, o);
  if (gone.length === 0 || o.force) return gone;
  if (o.desiredNames.size === 0)
    throw new GuardError(
      `refusing to prune: no manifests were loaded, which would archive all ${gone.length} video(s); check the manifests path, or pass --force`,
      'guard.prune-empty',
    );
  const total = Object.keys(state.videos).length;
  if (gone.length / total > o.maxShare)
    throw new GuardError(
      `refusing to prune ${gone.length} of ${total} videos (more than ${Math.round(o.maxShare * 100)}%); pass --force if that is intended`,
      'guard.prune-share',
    );
  return gone;
}

export async function prune(state: StateFile, names: string[], artifacts: ArtifactStore, now: number): Promise<string[]> {
  const archived: string[] = [];
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  for (const name of names) {
    const v = state.videos[name]!;
    for (const o of v.outputs) archived.push(await artifacts.archive(o.path, name, stamp));
    delete state.videos[name];
  }
  return archived;
}
