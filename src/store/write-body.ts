// A download body onto an open file: sha256, byte count and the first bytes taken on the way, writes
// queued to the threadpool while the next chunks arrive (positional writev of what gathered meanwhile),
// the file flushed to disk in the background every WRITEBACK_BYTES. One loop instead of a Transform, a
// write stream and a pipeline per download: with 200 renders finishing together, those streams' set-up
// and tear-down were most of the main thread's work (issue 19, makespan against the batched script).
import { createHash, type Hash } from 'node:crypto';
import { fdatasync, writev } from 'node:fs';
import { promisify } from 'node:util';

/** Bytes written. (util.promisify(writev) resolves to an object only through Node-internal metadata, which a wrapped writev lacks.) */
const fdWritev = (fd: number, bufs: Buffer[], position: number) =>
  new Promise<number>((resolve, reject) => writev(fd, bufs, position, (err, n) => (err ? reject(err) : resolve(n))));
const fdDatasync = promisify(fdatasync);

/** Large files are flushed while they download, so the fsync before the rename has only the tail left. */
const WRITEBACK_BYTES = 32 * 1024 * 1024;
/** Bytes gathered while a write runs before the body is read no further (the socket then holds the rest). */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

export interface BodyWritten {
  hash: Hash;
  bytes: number;
  /** The first 16 bytes (or fewer): the container signature. */
  head: Buffer;
}

export interface WriteBodyOptions {
  /** Silence longer than this (no chunk) ends the transfer with `stalled()`. */
  idleMs: number;
  stalled: () => Error;
  /** Shutdown: ends the transfer at once with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Called before each chunk is written, with the bytes it brings the total to (a throw ends the transfer). */
  onChunk?: (total: number, chunkBytes: number) => void;
}

/**
 * Reads `body` to its end onto `fd` (from offset 0). On any failure it returns only after every write it
 * started has finished, so the caller may close the descriptor at once (a write racing a close could land
 * in whatever file gets the descriptor's number next).
 */
export async function writeBody(body: AsyncIterable<Uint8Array>, fd: number, o: WriteBodyOptions): Promise<BodyWritten> {
  const hash = createHash('sha256');
  let bytes = 0;
  let head = Buffer.alloc(0);
  let stop: (err: unknown) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  stopped.catch(() => undefined);
  // A Readable is destroyed too (its socket closed); any other iterable stops being read.
  const end = (err: unknown) => {
    stop(err);
    (body as { destroy?: (e: unknown) => void }).destroy?.(err);
  };
  const idle = setTimeout(() => end(o.stalled()), o.idleMs);
  const onAbort = () => end(o.signal?.reason);
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const it = body[Symbol.asyncIterator]();
  const file = new FileWriter(fd);
  let finished = false;
  try {
    for (;;) {
      const r = await Promise.race([it.next(), stopped]);
      if (r.done) break;
      const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      idle.refresh();
      hash.update(chunk);
      if (head.length < 16) head = Buffer.concat([head, chunk.subarray(0, 16 - head.length)]);
      bytes += chunk.length;
      o.onChunk?.(bytes, chunk.length);
      await file.write(chunk);
    }
    await file.end();
    finished = true;
    return { hash, bytes, head };
  } finally {
    clearTimeout(idle);
    o.signal?.removeEventListener('abort', onAbort);
    if (!finished) {
      (body as { destroy?: () => void }).destroy?.();
      void Promise.resolve(it.return?.()).catch(() => undefined); // a body stuck forever is left to the collector
      await file.settle();
    }
  }
}

/** Appends chunks with positional writev, one at a time; chunks that arrive meanwhile go in the next one. */
class FileWriter {
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private at = 0;
  private flushedAt = 0;
  private running: Promise<void> | undefined;
  private writeback: Promise<void> = Promise.resolve();
  private error: Error | undefined;

  constructor(private readonly fd: number) {}

  /** Resolves at once, unless too much is waiting to be written (then when it has been). */
  async write(chunk: Buffer): Promise<void> {
    this.check();
    this.queued.push(chunk);
    this.queuedBytes += chunk.length;
    this.running ??= this.pump();
    if (this.queuedBytes > MAX_QUEUED_BYTES) await this.running;
    this.check();
  }

  /** Everything written (the background flushes included), or the first error. */
  async end(): Promise<void> {
    while (this.running) await this.running;
    await this.writeback;
    this.check();
  }

  private check(): void {
    if (this.error !== undefined) throw this.error;
  }

  /** Every write started has finished, whatever their outcome. */
  async settle(): Promise<void> {
    while (this.running) await this.running;
    await this.writeback;
  }

  private async pump(): Promise<void> {
    try {
      while (this.queued.length > 0 && this.error === undefined) {
        let bufs = this.queued;
        this.queued = [];
        this.queuedBytes = 0;
        while (bufs.length > 0) {
          const bytesWritten = await fdWritev(this.fd, bufs, this.at);
          if (!(bytesWritten > 0)) throw Object.assign(new Error('the disk accepted no bytes'), { code: 'EIO' });
          this.at += bytesWritten;
          bufs = rest(bufs, bytesWritten); // a short write: the rest again, from where it stopped
        }
        if (this.at - this.flushedAt >= WRITEBACK_BYTES) {
          this.flushedAt = this.at;
          this.writeback = this.writeback.then(() => fdDatasync(this.fd)).catch(() => undefined); // the final fsync reports errors
        }
      }
    } catch (err) {
      this.error = err instanceof Error ? err : new Error(String(err));
      this.queued = [];
      this.queuedBytes = 0;
    } finally {
      this.running = undefined;
    }
  }
}

function rest(bufs: Buffer[], written: number): Buffer[] {
  let skip = written;
  let i = 0;
  while (i < bufs.length && skip >= bufs[i]!.length) skip -= bufs[i++]!.length;
  if (i >= bufs.length) return [];
  return [bufs[i]!.subarray(skip), ...bufs.slice(i + 1)];
}
