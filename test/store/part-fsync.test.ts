// Durability order of a download (issue 18 item 5): the `.part` file is fsynced before it takes its final
// name, so a power cut after the rename can never leave a final-named file with missing blocks. node:fs is
// wrapped to record opens, fsyncs and renames in order (the artifact store calls them directly).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sample } from '../../src/provider/sim/video-files.js';
import { ArtifactStore } from '../../src/store/artifacts.js';

const events = vi.hoisted(() => [] as string[]);

vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const names = new Map<number, string>();
  type Cb = (err: NodeJS.ErrnoException | null, fd?: number) => void;
  const open = (file: string, ...rest: unknown[]) => {
    const cb = rest.pop() as Cb;
    (fs.open as (...a: unknown[]) => void)(file, ...rest, (err: NodeJS.ErrnoException | null, fd?: number) => {
      if (fd !== undefined) names.set(fd, path.basename(String(file)));
      cb(err, fd);
    });
  };
  const fsync = (fd: number, cb: Cb) => {
    events.push(`fsync ${names.get(fd) ?? fd}`);
    fs.fsync(fd, cb);
  };
  return { ...fs, default: { ...fs, open, fsync }, open, fsync };
});
vi.mock('node:fs/promises', async (original) => {
  const fsp = await original<typeof import('node:fs/promises')>();
  const rename = async (a: string, b: string) => {
    events.push(`rename ${path.basename(a)} ${path.basename(b)}`);
    return fsp.rename(a, b);
  };
  return { ...fsp, default: { ...fsp, rename }, rename };
});

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('download durability order', () => {
  it('the .part file is fsynced before it is renamed to its final name', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-partsync-'));
    const mp4 = sample('mp4');
    events.length = 0;
    const store = new ArtifactStore(dir, async () => ({
      status: 200,
      contentLength: mp4.length,
      body: (async function* () {
        yield mp4;
      })(),
    }));
    await store.download('u', 'v.mp4', 'mp4');
    const rename = events.indexOf('rename v.mp4.part v.mp4');
    expect(rename).toBeGreaterThan(0);
    expect(events.slice(0, rename)).toContain('fsync v.mp4.part');
  });
});
