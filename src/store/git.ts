// The git commit that last touched a manifest, for provenance sidecars. Absent outside a git repo.
import path from 'node:path';
import { execa } from 'execa';

const cache = new Map<string, Promise<string | undefined>>();

export function manifestCommit(file: string): Promise<string | undefined> {
  let p = cache.get(file);
  if (!p) {
    p = execa('git', ['-C', path.dirname(file), 'log', '-1', '--format=%H', '--', path.basename(file)], { reject: false, timeout: 5000 }).then(
      (r) => (r.exitCode === 0 && /^[0-9a-f]{40}$/.test(r.stdout.trim()) ? r.stdout.trim() : undefined),
      () => undefined,
    );
    cache.set(file, p);
  }
  return p;
}
