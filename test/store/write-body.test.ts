// The download body onto its file (store/write-body.ts): short writes are finished, a failed write ends the
// transfer with that error only after every write it started has ended, and a fast body is not read far
// ahead of a slow disk (memory stays flat whatever the file size). node:fs's writev is wrapped to misbehave.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { writeBody } from '../../src/store/write-body.js';

const disk = vi.hoisted(() => ({
  /** Bytes a writev call writes at most (a short write beyond them). */
  maxPerCall: Infinity,
  /** The call (1-based) that fails with EIO; 0 = none. */
  failOn: 0,
  delayMs: 0,
  calls: 0,
  inFlight: 0,
  maxInFlight: 0,
  written: 0,
}));

vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  type Cb = (err: NodeJS.ErrnoException | null, n?: number, b?: Buffer[]) => void;
  const writev = (fd: number, bufs: Buffer[], pos: number, cb: Cb) => {
    const call = ++disk.calls;
    disk.maxInFlight = Math.max(disk.maxInFlight, ++disk.inFlight);
    const done: Cb = (err, n, b) => {
      disk.inFlight--;
      if (n) disk.written += n;
      cb(err, n, b);
    };
    setTimeout(() => {
      if (call === disk.failOn) return done(Object.assign(new Error('EIO: i/o error, writev'), { code: 'EIO' }));
      let room = disk.maxPerCall;
      const some: Buffer[] = [];
      for (const b of bufs) {
        if (room <= 0) break;
        some.push(b.subarray(0, room));
        room -= Math.min(room, b.length);
      }
      fs.writev(fd, some, pos, done);
    }, disk.delayMs);
  };
  return { ...fs, default: { ...fs, writev }, writev };
});

const tmp = tempDirs();
afterEach(() => Object.assign(disk, { maxPerCall: Infinity, failOn: 0, delayMs: 0, calls: 0, inFlight: 0, maxInFlight: 0, written: 0 }));

const opts = { idleMs: 60_000, stalled: () => new Error('stalled') };

function fileIn(dir: string): { file: string; fd: number } {
  const file = path.join(dir, 'v.part');
  return { file, fd: openSync(file, 'wx') };
}

describe('writeBody', () => {
  it('finishes short writes: the file is the body, byte for byte, and its sha256 is the body’s', async () => {
    disk.maxPerCall = 7_001;
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const { file, fd } = fileIn(tmp('reelctl-wb-'));
    const r = await writeBody(
      (async function* () {
        for (let at = 0; at < data.length; at += 65_536) yield data.subarray(at, at + 65_536);
      })(),
      fd,
      opts,
    ).finally(() => closeSync(fd));
    expect(r.bytes).toBe(data.length);
    expect(r.hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(readFileSync(file).equals(data)).toBe(true);
    expect(r.head.equals(data.subarray(0, 16))).toBe(true);
    expect(disk.calls).toBeGreaterThan(data.length / 7_001 - 1); // the short writes did happen
  });

  it('a failed write ends the transfer with its error, and only once no write it started is still running', async () => {
    disk.failOn = 2;
    disk.delayMs = 5;
    const { fd } = fileIn(tmp('reelctl-wb-'));
    const err = await writeBody(
      (async function* () {
        for (let i = 0; i < 50; i++) yield Buffer.alloc(10_000, i);
      })(),
      fd,
      opts,
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    const running = disk.inFlight;
    closeSync(fd);
    expect(err).toMatchObject({ code: 'EIO' });
    expect(running).toBe(0); // the caller may close the descriptor at once
  });

  it('a fast body is not read far ahead of a slow disk: a few MB queued at most, one write at a time', async () => {
    disk.delayMs = 2;
    const chunk = Buffer.alloc(256 * 1024, 1);
    let read = 0;
    let mostAhead = 0;
    const { fd } = fileIn(tmp('reelctl-wb-'));
    const r = await writeBody(
      (async function* () {
        for (let i = 0; i < 160; i++) {
          mostAhead = Math.max(mostAhead, read - disk.written);
          read += chunk.length;
          yield chunk;
        }
      })(),
      fd,
      opts,
    ).finally(() => closeSync(fd));
    expect(r.bytes).toBe(160 * chunk.length); // 40 MB
    expect(disk.maxInFlight).toBe(1);
    expect(mostAhead).toBeLessThanOrEqual(4 * 1024 * 1024 + 2 * chunk.length);
  });
});
