// Real, playable sample clips (assets/samples/) that follow the request where a person would notice
// (aspect ratio, an audio track only with `sound: true`), optionally padded to any size with a valid filler
// (an MP4/MOV `free` box, a WEBM EBML Void element) generated as a stream — never held in memory.
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { packagePath } from '../../paths.js';

const cache = new Map<string, Buffer>();

/** The clip for a request: `16x9`, `9x16` or `1x1` from width/height (16:9 without them), `-audio` with sound. */
export function clipFor(request: Record<string, unknown>): string {
  const w = Number(request.width);
  const h = Number(request.height);
  const r = w > 0 && h > 0 ? w / h : 16 / 9;
  const aspect = r > 1.2 ? '16x9' : r < 1 / 1.2 ? '9x16' : '1x1';
  const klingai = (request.providerSettings as { klingai?: { sound?: unknown } } | undefined)?.klingai;
  return klingai?.sound === true ? `${aspect}-audio` : aspect;
}

export function sample(ext: string, clip = '16x9'): Buffer {
  const key = `${clip}.${ext}`;
  let b = cache.get(key);
  if (!b) cache.set(key, (b = readFileSync(packagePath('assets', 'samples', key))));
  return b;
}

/** Header bytes of the filler that makes the file `total` bytes long (empty when no padding). */
function paddingHeader(ext: string, padBytes: number): Buffer {
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
  /** The whole file, when it is small enough to be held (no padding): sent in one write, not streamed. */
  bytes?: Buffer;
  stream(start: number, endInclusive: number): Readable;
}

/** The padding's zeros: one shared read-only buffer, allocated on first use (never per download). */
let zeros: Buffer | undefined;

export function videoBody(ext: string, wantBytes = 0, clip = '16x9'): VideoBody {
  const head = sample(ext, clip);
  const pad = wantBytes > head.length + 16 && wantBytes < 2 ** 32 ? wantBytes - head.length : 0;
  const total = head.length + pad;
  // Unpadded, the file is the cached sample itself (never written to): no copy per download.
  const fixed = pad === 0 ? head : Buffer.concat([head, paddingHeader(ext, pad)]);
  return {
    total,
    ...(pad === 0 ? { bytes: fixed } : {}),
    stream(start, end) {
      async function* gen() {
        let pos = start;
        if (pos < fixed.length) {
          const slice = fixed.subarray(pos, Math.min(fixed.length, end + 1));
          yield slice;
          pos += slice.length;
        }
        while (pos <= end) {
          zeros ??= Buffer.alloc(256 * 1024);
          const n = Math.min(zeros.length, end + 1 - pos);
          yield n === zeros.length ? zeros : zeros.subarray(0, n);
          pos += n;
        }
      }
      return Readable.from(gen(), { objectMode: false });
    },
  };
}
