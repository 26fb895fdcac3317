// A snapshot's fs steps (issue 19 item 6): at the end of a large run each step of a save waits in line behind
// the downloads' fs work, so a save after the first takes none it does not need — no mkdir of a directory it
// made, no unlink of a journal it knows is not there, no unlink of a backup link that is not in the way — and
// still recovers when one is needed after all (the directory removed, a crashed save's link left behind).
import * as fs from 'node:fs/promises';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStateStore, type StateFs } from '../../src/state/file-store.js';
import { emptyState, newVideoState } from '../../src/state/transitions.js';
import type { StateFile } from '../../src/state/model.js';
import { tempDirs } from '../tmp-dirs.js';

const tmp = tempDirs();

/** The real fs, counting the path-level steps (mkdir, unlink, link, rename, open) by name. */
function countingFs(ops: string[]): StateFs {
  const rec =
    <A extends unknown[], R>(op: string, f: (...a: A) => Promise<R>) =>
    (...a: A) => {
      ops.push(op);
      return f(...a);
    };
  return {
    open: rec('open', fs.open) as StateFs['open'],
    rename: rec('rename', fs.rename),
    link: rec('link', fs.link),
    unlink: rec('unlink', fs.unlink),
    mkdir: rec('mkdir', fs.mkdir) as StateFs['mkdir'],
    readFile: fs.readFile as StateFs['readFile'],
  };
}

const withVideo = (s: StateFile, name: string): StateFile => ({
  ...s,
  videos: { ...s.videos, [name]: newVideoState({ name, specHash: 'sha256:1', regenerate: 0, outputPath: `${name}.mp4` }, 0) },
});

describe('snapshot fs steps', () => {
  it('the first save after a read that found no state looks no more: no second read, no backup link, no journal unlink', async () => {
    const file = path.join(tmp('reelctl-steps-'), 'state', 'state.json');
    const ops: string[] = [];
    const counting = countingFs(ops);
    const store = new FileStateStore(file, {
      ...counting,
      readFile: ((...a: Parameters<typeof fs.readFile>) => (ops.push('readFile'), fs.readFile(...a))) as StateFs['readFile'],
    });
    expect(await store.read()).toBeNull(); // as apply and the daemon start: the state read under the lock
    expect(ops).toEqual(['readFile', 'readFile']); // the state, then its journal: neither there
    ops.length = 0;
    const first = await store.write(emptyState('lin'));
    expect(ops).toEqual(['mkdir', 'open', 'rename', 'open']); // temp, temp → state, the directory (its fsync)
    expect(first.serial).toBe(1);
    expect((await new FileStateStore(file).read())!.lineage).toBe('lin');
    expect(existsSync(`${file}.backup`)).toBe(false); // nothing to keep yet
    ops.length = 0;
    await store.write(withVideo(first, 'a'));
    expect(ops).toEqual(['open', 'link', 'rename', 'rename', 'open']); // from the second save on, the first state is kept as the backup
    expect(existsSync(`${file}.backup`)).toBe(true);
  });

  it('a save after the first takes no mkdir and no unlink: only temp file, backup link, renames and the directory fsync', async () => {
    const file = path.join(tmp('reelctl-steps-'), 'state', 'state.json');
    const ops: string[] = [];
    const store = new FileStateStore(file, countingFs(ops));
    const first = await store.write(emptyState('lin'));
    expect(ops).toContain('mkdir');
    ops.length = 0;
    const second = await store.write(withVideo(first, 'a'));
    expect(ops).toEqual(['open', 'link', 'rename', 'rename', 'open']); // temp, backup link → .backup, temp → state, the directory
    expect(second.serial).toBe(2);
    expect((await new FileStateStore(file).read())!.videos.a).toBeDefined();
    expect(existsSync(`${file}.backup`)).toBe(true);
  });

  it('the state directory removed between saves is made again', async () => {
    const dir = path.join(tmp('reelctl-steps-'), 'state');
    const file = path.join(dir, 'state.json');
    const store = new FileStateStore(file);
    const first = await store.write(emptyState('lin'));
    await fs.rm(dir, { recursive: true });
    await store.write(withVideo(first, 'a'));
    expect((await new FileStateStore(file).read())!.videos.a).toBeDefined();
  });

  it("a crashed save's backup link left behind is replaced, not an error", async () => {
    const file = path.join(tmp('reelctl-steps-'), 'state.json');
    const store = new FileStateStore(file);
    const first = await store.write(emptyState('lin'));
    writeFileSync(`${file}.backup.tmp-${process.pid}`, 'left by a crash');
    const second = await store.write(withVideo(first, 'a'));
    expect(second.serial).toBe(2);
    expect(JSON.parse(await fs.readFile(`${file}.backup`, 'utf8')).serial).toBe(1); // the state before this save
    expect(existsSync(`${file}.backup.tmp-${process.pid}`)).toBe(false);
  });

  it('a journal written since the last snapshot is still removed by the next one', async () => {
    const file = path.join(tmp('reelctl-steps-'), 'state.json');
    const store = new FileStateStore(file);
    const first = await store.write(emptyState('lin'));
    await store.append(new Map([['a', JSON.stringify(withVideo(first, 'a').videos.a)]]));
    expect(existsSync(`${file}.journal`)).toBe(true);
    const state = (await new FileStateStore(file).read())!;
    await store.write(state);
    expect(existsSync(`${file}.journal`)).toBe(false);
  });
});
