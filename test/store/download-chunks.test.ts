// The download's hash and idle timer over any chunking (issue 19 item 8): the sha256 it records is the
// file's for random chunk sizes, and the idle timeout measures silence, not the whole transfer — one timer
// pushed back by every chunk.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { ArtifactStore } from '../../src/store/artifacts.js';
import { sample } from '../../src/provider/sim/video-files.js';
import { prng } from '../../src/provider/sim/prng.js';

const tmp = tempDirs();
afterEach(() => vi.useRealTimers());

/** `data` cut at random points (1 byte up to 256 KB), from a seeded generator. */
function chunkings(data: Buffer, seed: number): Buffer[] {
  const rand = prng(seed);
  const out: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    const n = 1 + Math.floor(rand() ** 3 * 256 * 1024);
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('download chunks', () => {
  it('records the sha256 of the file written, for random chunkings', async () => {
    const data = Buffer.concat([sample('mp4'), randomBytes(3 * 1024 * 1024 + 17)]);
    const want = createHash('sha256').update(data).digest('hex');
    for (const seed of [1, 2, 3, 4]) {
      const dir = tmp('reelctl-chunks-');
      const chunks = chunkings(data, seed);
      const r = await new ArtifactStore(dir, async () => ({
        status: 200,
        contentLength: data.length,
        body: (async function* () {
          yield* chunks;
        })(),
      })).download('u', 'v.mp4', 'mp4');
      expect(r).toEqual({ sha256: want, bytes: data.length });
      expect(
        createHash('sha256')
          .update(readFileSync(path.join(dir, 'v.mp4')))
          .digest('hex'),
      ).toBe(want);
    }
  });

  it('a transfer longer than the idle timeout completes while no gap between chunks reaches it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const mp4 = sample('mp4');
    const parts = chunkings(mp4, 9).slice(0, 6);
    const total = parts.reduce((n, c) => n + c.length, 0);
    const dir = tmp('reelctl-chunks-');
    // Chunks every 60 ms (fake time) with a 100 ms idle timeout: 360 ms in all.
    const store = new ArtifactStore(
      dir,
      async () => ({
        status: 200,
        contentLength: total,
        body: (async function* () {
          for (const c of parts) {
            await new Promise((r) => setTimeout(r, 60));
            yield c;
          }
        })(),
      }),
      100,
    );
    let settled: unknown;
    const done = store.download('u', 'v.mp4', 'mp4').then(
      (r) => (settled = r),
      (err: unknown) => (settled = err),
    );
    // Fake time moves 5 ms per step; real I/O (open, write, fsync) gets a turn of the event loop between steps.
    for (let i = 0; i < 20_000 && settled === undefined; i++) {
      await vi.advanceTimersByTimeAsync(5);
      await new Promise((r) => setImmediate(r));
    }
    await done;
    expect(settled).toMatchObject({ bytes: total });
  });
});
