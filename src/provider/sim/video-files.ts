// Real, playable sample clips (assets/samples/), optionally padded to any size with a valid filler
// (an MP4/MOV `free` box, a WEBM EBML Void element) generated as a stream — never held in memory.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { packagePath } from '../../paths.js';

const cache = new Map<string, Buffer>();

export function sample(ext: string): Buffer {
  let b = cache.get(ext);
  if (!b) cache.set(ext, (b = readFileSync(packagePath('assets', 'samples', `sample.${ext}`))));
  return b;
}

/** Header bytes of the filler that makes the file `total` bytes long (empty when no padding). */
export function paddingHeader(ext: string, padBytes: number): Buffer {
  if (padBytes <= 0) return Buffer.alloc(0);
  if (ext === 'webm') {
    const h = Buffer.alloc(9);
    h[0] = 0xec; // Void element
    h[1] = 0x01; // 8-byte size vint
    h.writeUIntBE(padBytes - 9, 3, 6);
    return h;
  }
  const h = Buffer.alloc(8);
  h.writeUInt32BE(padBytes, 0);
  h.write('free', 4, 'ascii');
  return h;
}

export interface VideoBody {
  total: number;
  stream(start: number, endInclusive: number): Readable;
}

export function videoBody(ext: string, wantBytes = 0): VideoBody {
  const head = sample(ext);
  const pad = wantBytes > head.length + 16 && wantBytes < 2 ** 32 ? wantBytes - head.length : 0;
  const header = paddingHeader(ext, pad);
  const total = head.length + pad;
  const fixed = Buffer.concat([head, header]);
  return {
    total,
    stream(start, end) {
      async function* gen() {
        let pos = start;
        if (pos < fixed.length) {
          const slice = fixed.subarray(pos, Math.min(fixed.length, end + 1));
          yield slice;
          pos += slice.length;
        }
        const zeros = Buffer.alloc(256 * 1024);
        while (pos <= end) {
          const n = Math.min(zeros.length, end + 1 - pos);
          yield n === zeros.length ? zeros : zeros.subarray(0, n);
          pos += n;
        }
      }
      return Readable.from(gen(), { objectMode: false });
    },
  };
}
