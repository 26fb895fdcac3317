// The caller's work on a downloaded file (its sidecar) runs beside the fsync of the directory that makes the
// file's rename durable (issue 19 item 6: one fewer step in line before Ready), never before the rename, and
// the download resolves only after both: Ready is still saved only once the output is durable.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { sample } from '../../src/provider/sim/video-files.js';
import { ArtifactStore } from '../../src/store/artifacts.js';
import { tempDirs } from '../tmp-dirs.js';

/** Directory fsyncs wait for the test to let them end. */
const dirSync = vi.hoisted(() => ({ started: [] as string[], release: undefined as (() => void) | undefined }));
vi.mock('../../src/store/dir-sync.js', async (original) => {
  const m = await original<typeof import('../../src/store/dir-sync.js')>();
  return {
    ...m,
    createDirSyncer: () => (dir: string) => {
      dirSync.started.push(dir);
      return new Promise<void>((r) => (dirSync.release = r));
    },
  };
});

const tmp = tempDirs();

/** A store in `dir` whose every download is one sample MP4 in one chunk. */
function oneClip(dir: string) {
  const mp4 = sample('mp4');
  const store = new ArtifactStore(dir, async () => ({
    status: 200,
    contentLength: mp4.length,
    body: (async function* () {
      yield mp4;
    })(),
  }));
  return { mp4, store };
}

describe('sidecar beside the directory fsync', () => {
  it('afterRename runs once the file has its final name, while its directory fsync is still running; the download waits for both', async () => {
    const dir = tmp('reelctl-beside-');
    const { mp4, store } = oneClip(dir);
    const log: string[] = [];
    let endSidecar!: () => void;
    let entered!: () => void;
    const inSidecar = new Promise<void>((r) => (entered = r));
    let done = false;
    const download = store
      .download('u', 'v.mp4', 'mp4', undefined, async (got) => {
        entered();
        log.push(`afterRename: final name ${existsSync(path.join(dir, 'v.mp4')) ? 'present' : 'missing'}, dir fsyncs started ${dirSync.started.length}`);
        expect(got.bytes).toBe(mp4.length);
        await new Promise<void>((r) => (endSidecar = r));
        log.push('sidecar written');
      })
      .then(() => void (done = true));
    await inSidecar;
    expect(log[0]).toBe('afterRename: final name present, dir fsyncs started 1'); // the fsync is running meanwhile
    dirSync.release!();
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false); // the sidecar is not written yet
    endSidecar();
    await download;
    expect(log).toEqual(['afterRename: final name present, dir fsyncs started 1', 'sidecar written']);
  });

  it('the download does not resolve before the directory fsync has ended', async () => {
    const dir = tmp('reelctl-beside-');
    const { store } = oneClip(dir);
    let done = false;
    let ran!: () => void;
    const afterRename = new Promise<void>((r) => (ran = r));
    const download = store.download('u', 'w.mp4', 'mp4', undefined, async () => ran()).then(() => void (done = true));
    await afterRename;
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    dirSync.release!();
    await download;
    expect(done).toBe(true);
  });
});
