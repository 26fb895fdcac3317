// Downloads (reliability.md network rows): truncated, wrong content, stalled — none ever takes the final name.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { ArtifactStore } from '../../src/store/artifacts.js';
import type { DownloadResponse } from '../../src/provider/types.js';
import { sample } from '../../src/provider/sim/video-files.js';

const tmp = tempDirs();

const out = () => tmp('reelctl-art-');
const body = (chunks: Buffer[], contentLength?: number, stallAfter = false): DownloadResponse => ({
  status: 200,
  ...(contentLength !== undefined ? { contentLength } : {}),
  body: (async function* () {
    for (const c of chunks) yield c;
    if (stallAfter) await new Promise(() => undefined);
  })(),
});

describe('artifact store downloads', () => {
  it('writes a verified file with its sha256 and no .part left', async () => {
    const dir = out();
    const mp4 = sample('mp4');
    const r = await new ArtifactStore(dir, async () => body([mp4.subarray(0, 1000), mp4.subarray(1000)], mp4.length)).download('u', 'a/v.mp4', 'mp4');
    expect(r.bytes).toBe(mp4.length);
    expect(readFileSync(path.join(dir, 'a/v.mp4')).equals(mp4)).toBe(true);
    expect(readdirSync(path.join(dir, 'a'))).toEqual(['v.mp4']);
  });

  it('a large download (flushed to disk as it arrives) completes intact with the right sha256', async () => {
    const dir = out();
    const mp4 = sample('mp4');
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const chunks = [mp4, ...Array.from({ length: 70 }, () => chunk)]; // ~70 MB: two background writebacks
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const r = await new ArtifactStore(dir, async () => body(chunks, total)).download('u', 'big.mp4', 'mp4');
    expect(r.bytes).toBe(total);
    expect(r.sha256).toBe(createHash('sha256').update(Buffer.concat(chunks)).digest('hex'));
    expect(readdirSync(dir)).toEqual(['big.mp4']);
  }, 30_000);

  it('rejects a truncated download (fewer bytes than Content-Length)', async () => {
    const dir = out();
    const mp4 = sample('mp4');
    const store = new ArtifactStore(dir, async () => body([mp4.subarray(0, 5000)], mp4.length));
    await expect(store.download('u', 'v.mp4', 'mp4')).rejects.toMatchObject({ code: 'download.truncated' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects the wrong content (an HTML error page instead of a video)', async () => {
    const dir = out();
    const html = Buffer.from('<!doctype html><title>Access denied</title>'.repeat(40));
    await expect(new ArtifactStore(dir, async () => body([html], html.length)).download('u', 'v.webm', 'webm')).rejects.toMatchObject({
      code: 'download.signature',
    });
    expect(existsSync(path.join(dir, 'v.webm'))).toBe(false);
  });

  it('abandons a stalled download instead of hanging, leaving nothing behind', async () => {
    const dir = out();
    const mp4 = sample('mp4');
    const store = new ArtifactStore(dir, async () => body([mp4.subarray(0, 2000)], mp4.length, true), 150);
    await expect(store.download('u', 'v.mp4', 'mp4')).rejects.toMatchObject({ code: 'download.stalled', retryable: true });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an output that cannot be written fails before anything is fetched: no response body is left unread to crash the process later', async () => {
    const dir = out();
    mkdirSync(path.join(dir, 'v.mp4.part')); // the partial file cannot be created (works as root, unlike chmod)
    let fetched = 0;
    const store = new ArtifactStore(dir, async () => {
      fetched++;
      // A real body whose socket fails later: with nobody reading it, its 'error' event had no listener.
      const r = new Readable({ read() {} });
      setImmediate(() => r.destroy(new Error('other side closed')));
      return { status: 200, body: r };
    });
    await expect(store.download('u', 'v.mp4', 'mp4')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(fetched).toBe(0);
    expect(existsSync(path.join(dir, 'v.mp4'))).toBe(false);
  });

  it('the shutdown signal ends a download whose body never ends, leaving neither the file nor a .part', async () => {
    const dir = out();
    const mp4 = sample('mp4');
    const ac = new AbortController();
    const store = new ArtifactStore(dir, async (_url, signal) => {
      expect(signal).toBe(ac.signal);
      return {
        status: 200,
        body: (async function* () {
          yield mp4.subarray(0, 4096);
          ac.abort(new Error('stopping')); // SIGTERM arrives while the body streams…
          await new Promise(() => undefined); // …and the server never sends another byte
        })(),
      };
    });
    await expect(store.download('u', 'v.mp4', 'mp4', ac.signal)).rejects.toThrow('stopping');
    expect(readdirSync(dir)).toEqual([]);
  });
});
