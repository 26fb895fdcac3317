// The daemon's picture of the manifests tree between full loads (issue 19 item 4): what each file loads
// to, so a reload after a save parses only the files the watcher reported. Cross-file rules (unique names,
// output collisions) are checked over the whole picture in memory — the same functions the full load
// runs, in the same file order, so an incremental reload reports exactly what a full one would.
import path from 'node:path';
import type { ManifestProblem } from '../errors.js';
import type { ChangedLoad } from '../manifest/load-changed.js';
import { byLocation, checkUniqueNames } from '../manifest/load.js';
import type { LoadedVideo } from '../manifest/model.js';
import { checkOutputCollisions } from '../manifest/output-path-rules.js';

interface FileEntry {
  videos: LoadedVideo[];
  problems: ManifestProblem[];
}

export class ManifestIndex {
  private readonly files = new Map<string, FileEntry>();
  private sorted: string[] | undefined;
  private readonly bad = new Set<string>();

  /** From a clean full load: its videos grouped by file (`source.file` is relative to `cwd`). */
  static fromVideos(videos: LoadedVideo[], cwd: string): ManifestIndex {
    const index = new ManifestIndex();
    for (const v of videos) {
      const abs = path.resolve(cwd, v.source.file);
      const e = index.files.get(abs);
      if (e) e.videos.push(v);
      else index.files.set(abs, { videos: [v], problems: [] });
    }
    return index;
  }

  get size(): number {
    return this.files.size;
  }

  /** Takes in a changed load; returns the videos of the affected files before and after. */
  update(r: ChangedLoad): { before: LoadedVideo[]; after: LoadedVideo[] } {
    const scopes = new Set(r.scopes);
    const before: LoadedVideo[] = [];
    const after: LoadedVideo[] = [];
    const drop = (abs: string) => {
      before.push(...this.files.get(abs)!.videos);
      this.files.delete(abs);
      this.bad.delete(abs);
      this.sorted = undefined;
    };
    // Known files at or under a changed path that the changed load did not find: gone.
    if (scopes.size > 0) for (const abs of [...this.files.keys()]) if (!r.files.has(abs) && underAny(abs, scopes)) drop(abs);
    for (const [abs, e] of r.files) {
      const old = this.files.get(abs);
      if (old) before.push(...old.videos);
      else this.sorted = undefined;
      this.files.set(abs, { videos: e.videos, problems: e.problems });
      if (e.problems.length > 0) this.bad.add(abs);
      else this.bad.delete(abs);
      after.push(...e.videos);
    }
    return { before, after };
  }

  /** Every video, in file order (as the full load lists them). */
  videos(): LoadedVideo[] {
    this.sorted ??= [...this.files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: LoadedVideo[] = [];
    for (const abs of this.sorted) for (const v of this.files.get(abs)!.videos) out.push(v);
    return out;
  }

  /** What a full load of the same tree would report: each file's problems and the cross-file rules. */
  problems(): ManifestProblem[] {
    const problems: ManifestProblem[] = [];
    for (const abs of this.bad) problems.push(...this.files.get(abs)!.problems);
    const all = this.videos();
    checkUniqueNames(all, problems);
    checkOutputCollisions(all, problems);
    return problems.sort(byLocation);
  }
}

/** True when `abs` is one of `scopes` or lies under one of them (walks up its parents: O(depth)). */
function underAny(abs: string, scopes: Set<string>): boolean {
  for (let p = abs; ; p = path.dirname(p)) {
    if (scopes.has(p)) return true;
    if (path.dirname(p) === p) return false;
  }
}
