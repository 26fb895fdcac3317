// The daemon's picture of the manifests tree between full loads (issue 19 item 4): what each file loads
// to, so a reload after a save parses only the files the watcher reported. Cross-file rules (unique names,
// output collisions) hold for the whole picture: counts of names and of (case-folded) output files and
// their directories say in O(changed videos) whether a changed video clashes; only then (or when the picture
// was not clean before) the full load's own functions run over the whole picture, in the same file order,
// so an incremental reload reports exactly what a full one would.
import path from 'node:path';
import type { ManifestProblem } from '../errors.js';
import type { ChangedLoad } from '../manifest/load-changed.js';
import { byLocation, checkUniqueNames } from '../manifest/load.js';
import { outputBasePath, outputFilePaths, withDefaults } from '../manifest/defaults.js';
import type { LoadedVideo } from '../manifest/model.js';
import { checkOutputCollisions } from '../manifest/output-path-rules.js';

/**
 * What a file loads to: its one video itself (the common case: no wrapper object, no array — at 50,000 files
 * those were ~5 MB of the daemon's memory, issue 19), or the list of its videos (none, or several).
 */
type FileVideos = LoadedVideo | readonly LoadedVideo[];

const listOf = (e: FileVideos | undefined): readonly LoadedVideo[] =>
  e === undefined ? [] : Array.isArray(e) ? (e as readonly LoadedVideo[]) : [e as LoadedVideo];
const entryOf = (videos: readonly LoadedVideo[]): FileVideos => (videos.length === 1 ? videos[0]! : videos);

export class ManifestIndex {
  private readonly files = new Map<string, FileVideos>();
  private sorted: string[] | undefined;
  /** The files with problems, and their problems (a clean file has no entry). */
  private readonly bad = new Map<string, readonly ManifestProblem[]>();
  // How many videos of the picture use each name, output file and output directory (folded as the rule folds).
  // Output paths are counted by a 32-bit hash, not kept as strings (50,000 more strings in a daemon): two
  // paths sharing a hash can only make the exact check run, never hide a clash.
  private readonly names = new Map<string, number>();
  private readonly outFiles = new Map<number, number>();
  private readonly outDirs = new Map<number, number>();
  /** Videos taken in since the last problems(): the only ones that can have made a new clash. */
  private added: LoadedVideo[] = [];
  /** The last problems() found none (the fast check may rely on the rest of the picture being clean). */
  private clean = true;

  /**
   * From a clean full load: its videos grouped by file (`source.file` is relative to `cwd`). `files`, the
   * load's own list of absolute paths in the same order, lends its strings as keys (else each key would be
   * a second copy of its path).
   */
  static fromVideos(videos: readonly LoadedVideo[], cwd: string, files: readonly string[] = []): ManifestIndex {
    const index = new ManifestIndex();
    let j = 0;
    for (const v of videos) {
      let abs = path.resolve(cwd, v.source.file);
      const from = j;
      while (j < files.length && files[j] !== abs) j++;
      if (j < files.length) abs = files[j]!;
      else j = from; // not in the list (never, for a load's own list): keep the resolved path
      const e = index.files.get(abs);
      if (e === undefined) index.files.set(abs, v);
      else if (Array.isArray(e))
        (e as LoadedVideo[]).push(v); // a list made here, for this file
      else index.files.set(abs, [e as LoadedVideo, v]);
      index.count(v, 1);
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
      for (const v of listOf(this.files.get(abs))) this.count(v, -1);
      before.push(...listOf(this.files.get(abs)));
      this.files.delete(abs);
      this.bad.delete(abs);
      this.sorted = undefined;
    };
    // Known files at or under a changed path that the changed load did not find: gone. A saved file needs
    // no search, a deleted one neither; only a directory (renamed, removed) is looked for among all files.
    const dirs = new Set<string>();
    for (const sc of scopes) {
      if (r.files.has(sc)) continue;
      if (this.files.has(sc)) drop(sc);
      else dirs.add(sc);
    }
    if (dirs.size > 0) for (const abs of [...this.files.keys()]) if (!r.files.has(abs) && underAny(abs, dirs)) drop(abs);
    for (const [abs, e] of r.files) {
      const old = this.files.has(abs) ? listOf(this.files.get(abs)) : undefined;
      if (old) before.push(...old);
      else this.sorted = undefined;
      for (const v of old ?? []) this.count(v, -1);
      for (const v of e.videos) this.count(v, 1);
      this.added.push(...e.videos);
      this.files.set(abs, entryOf(e.videos));
      if (e.problems.length > 0) this.bad.set(abs, e.problems);
      else this.bad.delete(abs);
      after.push(...e.videos);
    }
    return { before, after };
  }

  /** Every video, in file order (as the full load lists them). */
  videos(): LoadedVideo[] {
    this.sorted ??= [...this.files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: LoadedVideo[] = [];
    for (const abs of this.sorted) for (const v of listOf(this.files.get(abs))) out.push(v);
    return out;
  }

  /** What a full load of the same tree would report: each file's problems and the cross-file rules. */
  problems(): ManifestProblem[] {
    const problems: ManifestProblem[] = [];
    for (const p of this.bad.values()) problems.push(...p);
    const added = this.added;
    this.added = [];
    if (problems.length === 0 && this.clean && !added.some((v) => this.clashes(v))) return problems;
    const all = this.videos();
    checkUniqueNames(all, problems);
    checkOutputCollisions(all, problems);
    this.clean = problems.length === 0;
    return problems.sort(byLocation);
  }

  /** True when `v` (already counted) shares its name or an output file with another video, or an output file is another's directory. */
  private clashes(v: LoadedVideo): boolean {
    if ((this.names.get(v.name) ?? 0) > 1) return true;
    for (const f of outputKeys(v)) {
      const h = hash(f);
      if ((this.outFiles.get(h) ?? 0) > 1 || this.outDirs.has(h)) return true;
      for (const d of parents(f)) if (this.outFiles.has(hash(d))) return true;
    }
    return false;
  }

  private count(v: LoadedVideo, by: 1 | -1): void {
    bump(this.names, v.name, by);
    for (const f of outputKeys(v)) {
      bump(this.outFiles, hash(f), by);
      for (const d of parents(f)) bump(this.outDirs, hash(d), by);
    }
  }
}

function bump<K>(m: Map<K, number>, key: K, by: number): void {
  const n = (m.get(key) ?? 0) + by;
  if (n > 0) m.set(key, n);
  else m.delete(key);
}

/** The video's output files, folded as checkOutputCollisions folds them. */
function outputKeys(v: LoadedVideo): string[] {
  const n = withDefaults(v.request).numberResults ?? 1;
  return outputFilePaths(outputBasePath(v), typeof n === 'number' ? n : 1).map((f) => f.normalize('NFC').toLowerCase());
}

/** FNV-1a over the UTF-16 code units: a 32-bit integer (a small integer to V8, no allocation). */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** `a/b/c.mp4` → `a`, `a/b`. */
function parents(key: string): string[] {
  const parts = key.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** True when `abs` is one of `scopes` or lies under one of them (walks up its parents: O(depth)). */
function underAny(abs: string, scopes: Set<string>): boolean {
  for (let p = abs; ; p = path.dirname(p)) {
    if (scopes.has(p)) return true;
    if (path.dirname(p) === p) return false;
  }
}
