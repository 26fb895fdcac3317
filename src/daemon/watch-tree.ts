// The file-system side of the manifests watcher (issue 19): one fs.watch per DIRECTORY of the tree. On
// Linux an inotify watch on a directory reports every entry created, written, removed or renamed in it, by
// name, so a file needs no watch of its own — chokidar held one per manifest file (50,000 manifests: 50,000
// inotify watches, their handles and closures, and a stat of each at start, all in the daemon's heap).
// Two things a directory's watch cannot see get a watch of their own: a symlinked manifest (a write to its
// target is reported under the link's name, as before) and a root that is a file (its own inode; its
// directory's watch sees it replaced). Symlinked directories are not followed: the loader does not read them.
// It only says which path changed; what that path holds now is the loader's business (files.ts).
import type { FSWatcher } from 'node:fs';
import { watch as nodeWatch } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** fs.watch as this module uses it (tests wrap it, e.g. to emit an error). */
export type FsWatch = (p: string, listener: (event: string, filename: string | Buffer | null) => void) => FSWatcher;

export interface WatchTreeOptions {
  /** Absolute paths: directories (watched recursively) or files. */
  roots: string[];
  /** True for a name that is never watched nor reported (dot-files, editor noise). */
  ignored(p: string): boolean;
  /** True for a file name that is a manifest (`*.yaml`, `*.yml`). */
  isManifest(p: string): boolean;
  /** A manifest file, or a directory, at this path was added, changed, removed or renamed. */
  changed(p: string): void;
  /** A watch failed or could not be set: events may have been lost. */
  error(err: unknown): void;
  watch?: FsWatch;
}

export class WatchTree {
  private readonly dirs = new Map<string, FSWatcher>();
  /** Watches of single files: symlinked manifests and file roots (path → watch). */
  private readonly files = new Map<string, FSWatcher>();
  /** A directory watched only for the file roots in it → their names (nothing else in it is reported). */
  private readonly fileRootDirs = new Map<string, Set<string>>();
  private readonly watch: FsWatch;
  private closed = false;

  constructor(private readonly o: WatchTreeOptions) {
    this.watch = o.watch ?? ((p, listener) => nodeWatch(p, { persistent: true }, listener));
  }

  /** How many watches are held (directories, then single files). */
  get size(): { dirs: number; files: number } {
    return { dirs: this.dirs.size, files: this.files.size };
  }

  /** Sets the watches of every root; resolves once they are all in place. A root missing now is skipped. */
  async start(): Promise<void> {
    const fileRoots: string[] = [];
    for (const root of this.o.roots) {
      const st = await stat(root).catch(() => undefined);
      if (!st || this.closed) continue; // not there (yet): root-watch.ts re-watches when it appears
      if (st.isDirectory()) await this.addDir(root);
      else fileRoots.push(root);
    }
    // After the directory roots: a file root's directory already watched with them reports everything.
    for (const root of fileRoots) {
      const dir = path.dirname(root);
      if (this.addDirWatch(dir)) this.fileRootDirs.set(dir, new Set());
      this.fileRootDirs.get(dir)?.add(path.basename(root));
      this.addFile(root);
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.dirs.values()) w.close();
    for (const w of this.files.values()) w.close();
    this.dirs.clear();
    this.files.clear();
  }

  /**
   * Watches `dir` and every directory under it (not through symlinks); symlinked manifests get their own
   * watch. `found`: called with each manifest file met on the way (a directory added after the start).
   */
  private async addDir(dir: string, found?: (p: string) => void): Promise<void> {
    if (!this.addDirWatch(dir)) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // gone meanwhile: its parent's watch reports it
    }
    for (const e of entries) {
      if (this.closed) return;
      const p = path.join(dir, e.name);
      if (this.o.ignored(p)) continue;
      if (e.isDirectory()) await this.addDir(p, found);
      else if (!this.o.isManifest(p)) continue;
      else if (e.isSymbolicLink()) this.addFile(p);
      found?.(p);
    }
  }

  /** True when `dir` is watched now (false: closed, already watched, or it could not be watched). */
  private addDirWatch(dir: string): boolean {
    if (this.closed || this.dirs.has(dir)) return false;
    const w = this.open(dir, (event, name) => this.onDirEvent(dir, event, name));
    if (!w) return false;
    this.dirs.set(dir, w);
    return true;
  }

  private addFile(p: string): void {
    this.files.get(p)?.close();
    this.files.delete(p);
    const w = this.open(p, () => this.o.changed(p));
    if (w) this.files.set(p, w);
  }

  private open(p: string, listener: (event: string, name: string | null) => void): FSWatcher | undefined {
    let w: FSWatcher;
    try {
      w = this.watch(p, (event, name) => {
        if (!this.closed) listener(event, name === null ? null : String(name));
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.o.error(err); // gone meanwhile is no error; the watch limit is
      return undefined;
    }
    w.on('error', (err) => {
      if (!this.closed) this.o.error(err);
    });
    return w;
  }

  private onDirEvent(dir: string, event: string, name: string | null): void {
    if (name === null) return this.o.error(new Error(`a change in ${dir} without a file name`));
    const p = path.join(dir, name);
    if (this.fileRootDirs.get(dir)?.has(name) === false) return; // watched for a file root beside it
    if (this.o.ignored(p)) return;
    // A write: the entry is what it was (a file). Anything else (created, removed, renamed) is looked at;
    // a manifest's name is reported at once (a save is not kept waiting for an lstat behind other I/O).
    if (event === 'change' && !this.dirs.has(p)) {
      if (this.o.isManifest(p)) this.o.changed(p);
      return;
    }
    const early = this.o.isManifest(p) && !this.dirs.has(p);
    if (early) this.o.changed(p);
    void this.settle(p, early);
  }

  /** `p` was created, removed or renamed: watch what is there now, forget what was, report it (unless `reported`). */
  private async settle(p: string, reported: boolean): Promise<void> {
    const st = await lstat(p).catch(() => undefined);
    if (this.closed) return;
    if (st?.isDirectory()) {
      if (this.dirs.has(p)) return;
      // Watched before it is reported (the load walks it; anything later is an event), with the files in it.
      await this.addDir(p, (f) => this.o.changed(f));
      this.o.changed(p);
      return;
    }
    const wasDir = this.forgetUnder(p);
    if (!wasDir && !this.o.isManifest(p)) return;
    if (st?.isSymbolicLink() && this.o.isManifest(p)) this.addFile(p);
    else if (!this.o.roots.includes(p)) {
      this.files.get(p)?.close();
      this.files.delete(p);
    } else if (st) this.addFile(p); // a file root replaced (renamed over): watch the new file
    if (!reported || wasDir) this.o.changed(p);
  }

  /** Closes the watches at or under `p`; true when `p` was a watched directory. */
  private forgetUnder(p: string): boolean {
    const wasDir = this.dirs.has(p) && !this.fileRootDirs.has(p);
    const under = p + path.sep;
    for (const [d, w] of this.dirs)
      if ((d === p || d.startsWith(under)) && !this.fileRootDirs.has(d)) {
        w.close();
        this.dirs.delete(d);
      }
    for (const [f, w] of this.files)
      if (f.startsWith(under)) {
        w.close();
        this.files.delete(f);
      }
    return wasDir;
  }
}
