// The floor for downloads: a plain HTTP GET (node:http, the fastest plain client) streamed to a file doing
// the same work as reelctl's download — sha256 of every byte, fsync before returning — and nothing else:
// no size cap, address check, idle timer, signature check or rename.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { get, type IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export async function rawCopy(url: string, file: string): Promise<{ bytes: number; sha256: string }> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => get(url, resolve).on('error', reject));
  if (res.statusCode !== 200) {
    res.destroy();
    throw new Error(`HTTP ${res.statusCode}`);
  }
  let bytes = 0;
  const hash = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
  });
  const fh = await open(file, 'w');
  try {
    await pipeline(res, hashing, createWriteStream('', { fd: fh.fd, autoClose: false }));
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}
