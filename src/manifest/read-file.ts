// Reading one manifest file safely and cheaply.
// Synchronous on purpose (issue 19): manifests are small files in the page cache, and five promise
// round trips through the thread pool per file (open, fstat, read, read, close) cost more CPU than the
// parse itself; the loader is CPU-bound between awaits anyway.
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync } from 'node:fs';
import type { FileKey } from './parse-cache.js';

/**
 * Reads a manifest only when the open file is a regular file within the size cap (fstat on the open
 * descriptor, before reading): O_NONBLOCK so opening a FIFO cannot wait for a writer, O_NOFOLLOW so the
 * path the walker resolved cannot have become a link since, and never more than the cap (+1) bytes even
 * if the file grows meanwhile. Returns the text and, when the file did not change size while read, the
 * key (size, mtime ns, inode) the parse cache records.
 */
export function readRegularFile(file: string, maxBytes: number, report: (code: string, message: string) => void): { text: string; key?: FileKey } | undefined {
  const fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) {
      report('file.not-regular', 'not a regular file (a FIFO, socket or device?); only regular files are read (skipped)');
      return undefined;
    }
    const size = Number(st.size);
    if (size > maxBytes) {
      report('file.too-large', `file is ${size} bytes; the limit is ${maxBytes}`);
      return undefined;
    }
    const buf = Buffer.allocUnsafe(Math.min(size, maxBytes) + 1);
    let n = 0;
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, n)) > 0;) n += r;
    if (n > maxBytes) {
      report('file.too-large', `file grew past the limit of ${maxBytes} bytes while being read`);
      return undefined;
    }
    const key = n === size ? { size, mtimeNs: st.mtimeNs.toString(), ino: st.ino.toString() } : undefined;
    return { text: buf.toString('utf8', 0, n), ...(key ? { key } : {}) };
  } finally {
    closeSync(fd);
  }
}
