// The floor for downloads: a raw HTTP GET piped to a file, nothing else.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export async function rawCopy(url: string, file: string): Promise<number> {
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
  let bytes = 0;
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (c: Buffer) => (bytes += c.length));
  await pipeline(body, createWriteStream(file));
  return bytes;
}
