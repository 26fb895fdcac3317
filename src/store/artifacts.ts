// The artifact store: streamed, verified downloads (.part → verify → rename → fsync), sidecars,
// moves and archives — all confined to --out. Memory stays flat whatever the file size.
import { close, constants as fsConstants, fsync, open as openFd, writeFile } from 'node:fs';
import { promisify } from 'node:util';
import { readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { ArtifactError, diskErrorCode } from '../errors.js';
import { failpoint } from '../failpoints.js';
import type { DownloadResponse } from '../provider/types.js';
import { isStale } from '../state/lock.js';
import { createDirSyncer } from './dir-sync.js';
import { realRoot, resolveUnder } from './paths.js';
import { signatureOk, type Container } from './signature.js';
import { writeBody, type BodyWritten } from './write-body.js';

export interface DownloadResult {
  sha256: string;
  bytes: number;
}

export class ArtifactStore {
  constructor(
    readonly outDir: string,
    private readonly fetchBody: (url: string, signal?: AbortSignal) => Promise<DownloadResponse>,
    /** A download that sends nothing for this long is abandoned (and retried): a stalled stream never hangs a run. */
    private readonly idleTimeoutMs = 60_000,
  ) {}

  private root: Promise<string> | undefined;
  /** Per directory, the sidecar temp files it held when this store first wrote a sidecar there (sweepStaleTemps). */
  private temps = new Map<string, Promise<Map<string, string[]>>>();

  /** `rel` under --out (paths.ts), with --out created and resolved once per store, not per file. */
  private async resolve(rel: string): Promise<string> {
    this.root ??= realRoot(this.outDir);
    let root: string;
    try {
      root = await this.root;
    } catch (err) {
      this.root = undefined; // not cached: the next call tries again
      throw err;
    }
    return resolveUnder(root, rel);
  }

  /**
   * `signal` (shutdown) ends the transfer at once, whatever the server does; the `.part` is removed.
   * `afterRename` (the caller's sidecar) runs once the file has its final name, beside the fsync of its
   * directory that makes the rename durable; the download resolves only after both.
   */
  async download(
    url: string,
    rel: string,
    container: Container,
    signal?: AbortSignal,
    afterRename?: (got: DownloadResult) => Promise<void>,
  ): Promise<DownloadResult> {
    const final = await this.resolve(rel);
    const part = final + '.part';
    // The file first, then the request: an output that cannot be written fails before any byte is fetched,
    // and no response body is ever left unread (its socket error had no listener and crashed the process).
    let fd: number | undefined;
    let res: DownloadResponse;
    try {
      // Created new: a stale .part from a crash (or a link planted there) is removed, never trusted or
      // written through — removed only when one is in the way, not before every download.
      fd = await fdOpen(part, 'wx', 0o644).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
        await unlink(part).catch(() => Promise.reject(err)); // cannot be removed (a directory): EEXIST, as it is
        return fdOpen(part, 'wx', 0o644);
      });
      res = await this.fetchBody(url, signal);
    } catch (err) {
      if (fd !== undefined) {
        await fdClose(fd).catch(() => undefined);
        await unlink(part).catch(() => undefined);
      }
      throw diskError(err, rel) ?? err;
    }
    let body: BodyWritten;
    try {
      const file = fd;
      body = await writeBody(res.body, file, {
        idleMs: this.idleTimeoutMs,
        stalled: () =>
          new ArtifactError(`download of ${rel} stalled: no data for ${this.idleTimeoutMs / 1000} s`, { code: 'download.stalled', retryable: true }),
        signal,
        onChunk: (total, n) => {
          if (total > 1024 && total - n <= 1024) failpoint('during-download'); // an injected disk error surfaces like a real failed write
        },
      });
      await fdSync(file);
      fd = undefined;
      await fdClose(file);
    } catch (err) {
      if (fd !== undefined) await fdClose(fd).catch(() => undefined);
      await unlink(part).catch(() => undefined);
      if (err instanceof ArtifactError) throw err;
      if (signal?.aborted) throw signal.reason;
      const disk = diskError(err, rel);
      if (disk) throw disk;
      throw new ArtifactError(`download of ${rel} failed: ${(err as Error).message}`, { code: 'download.interrupted', retryable: true, cause: err });
    }
    const { bytes, head, hash } = body;
    const fail = async (code: string, msg: string) => {
      await unlink(part).catch(() => undefined);
      return new ArtifactError(`download of ${rel} rejected: ${msg}`, { code, retryable: true });
    };
    if (res.contentLength !== undefined && bytes !== res.contentLength) throw await fail('download.truncated', `got ${bytes} of ${res.contentLength} bytes`);
    if (!signatureOk(head, container)) throw await fail('download.signature', `not a ${container.toUpperCase()} file`);
    failpoint('before-rename');
    await rename(part, final);
    const got = { sha256: hash.digest('hex'), bytes };
    await Promise.all([syncDir(path.dirname(final)), afterRename?.(got)]);
    failpoint('after-rename');
    return got;
  }

  /**
   * Atomic JSON sidecar `<output>.json`. Its temp file is created new (O_CREAT|O_EXCL|O_NOFOLLOW): whatever
   * sits at that name — a crash's leftover, or a symlink planted to make us write elsewhere — is removed
   * (unlink removes a link, never its target) and never written through; the rename then replaces the
   * name itself, so the sidecar is never a link.
   */
  async writeSidecar(rel: string, data: object): Promise<void> {
    const final = await this.resolve(rel + '.json');
    const tmp = `${final}.tmp-${process.pid}`;
    const text = JSON.stringify(data, null, 2) + '\n';
    await writeNew(tmp, text).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
      await unlink(tmp);
      return writeNew(tmp, text);
    });
    await rename(tmp, final);
    await this.sweepStaleTemps(final);
  }

  /**
   * A process killed while writing a sidecar leaves `<sidecar>.tmp-<pid>` behind; once the sidecar is written
   * again, such leftovers are removed when their process is provably gone (the stale-lock test, state/lock.ts).
   * Each directory is listed once per store (a run, or a daemon's life), at its first sidecar, and indexed by
   * sidecar name: listing it for every sidecar (its whole listing, hundreds of names, again for each of 200
   * renders finishing together, each sidecar waiting for a listing of its own) was most of a sidecar's cost.
   * Leftovers are a crash's, so they are there before the listing; one left after it (another process killed
   * meanwhile) waits for the next run.
   */
  private async sweepStaleTemps(final: string): Promise<void> {
    const dir = path.dirname(final);
    let listing = this.temps.get(dir);
    if (!listing) this.temps.set(dir, (listing = readdir(dir).then(indexTemps, () => new Map<string, string[]>())));
    const index = await listing;
    const names = index.get(path.basename(final));
    if (!names) return;
    index.delete(path.basename(final)); // swept once; a live process's temp file is its own business
    const prefix = `${path.basename(final)}.tmp-`;
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(name.slice(prefix.length));
      if (!Number.isInteger(pid) || pid <= 0 || !isStale({ pid, host: hostname(), since: '' })) continue;
      await unlink(path.join(dir, name)).catch(() => undefined);
    }
  }

  async move(fromRel: string, toRel: string): Promise<void> {
    const from = await this.resolve(fromRel);
    const to = await this.resolve(toRel);
    try {
      await rename(from, to);
    } catch (err) {
      // Already there: a run cut short after this rename, before the state recorded it. Finish the move.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !(await isFile(to))) throw err;
    }
    await rename(from + '.json', to + '.json').catch(() => undefined);
    await syncDir(path.dirname(to));
  }

  /** Moves an output (and sidecar) under `.archive/<name>/<stamp>/`. */
  async archive(rel: string, name: string, stamp: string): Promise<string> {
    const dest = path.posix.join('.archive', name, stamp, path.posix.basename(rel));
    await this.move(rel, dest).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    return dest;
  }

  async remove(rel: string): Promise<void> {
    const p = await this.resolve(rel);
    await rm(p, { force: true });
    await rm(p + '.json', { force: true });
  }
}

/** `text` into a file created new, never through a link (plain descriptors: no FileHandle per sidecar). */
async function writeNew(file: string, text: string): Promise<void> {
  const fd = await fdOpen(file, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o644);
  try {
    await fdWriteFile(fd, text);
  } finally {
    await fdClose(fd);
  }
}
// Plain descriptors with callbacks: lighter than a FileHandle each (hundreds of downloads finish together).
const fdOpen = promisify(openFd);
const fdSync = promisify(fsync);
const fdClose = promisify(close);
const fdWriteFile = promisify(writeFile);

function diskError(err: unknown, rel: string): ArtifactError | undefined {
  const disk = diskErrorCode(err);
  return disk
    ? new ArtifactError(`cannot write ${rel}: ${disk} (${disk === 'ENOSPC' ? 'disk full' : 'not writable'})`, { code: `disk.${disk}`, cause: err })
    : undefined;
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Directory fsyncs of renames that finish together are shared (dir-sync.ts): same guarantee, fewer fsyncs. */
const syncDir = createDirSyncer();

/** `<sidecar>.tmp-<anything>` names, by sidecar name. */
function indexTemps(names: readonly string[]): Map<string, string[]> {
  const temps = new Map<string, string[]>();
  for (const name of names) {
    const at = name.lastIndexOf('.tmp-');
    if (at <= 0) continue;
    const of = name.slice(0, at);
    const list = temps.get(of);
    if (list) list.push(name);
    else temps.set(of, [name]);
  }
  return temps;
}
