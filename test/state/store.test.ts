import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStateStore } from '../../src/state/file-store.js';
import { STATE_VERSION } from '../../src/state/model.js';
import { MemoryStateStore } from '../doubles/memory-store.js';
import { emptyState, newVideoState } from '../../src/state/transitions.js';
import { failingFs } from './failing-fs.js';
import { stateStoreContract, writeGuardContract } from './store-contract.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'reelctl-state-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

stateStoreContract('file', () => new FileStateStore(path.join(tmp(), 'nested', 'state.json')));
stateStoreContract('memory', () => new MemoryStateStore());
writeGuardContract('file', () => new FileStateStore(path.join(tmp(), 'state.json')));

describe('FileStateStore on disk', () => {
  it('keeps the previous version as a backup', async () => {
    const file = path.join(tmp(), 'state.json');
    const store = new FileStateStore(file);
    const w1 = await store.write(emptyState('lin'));
    await store.write(w1);
    expect(JSON.parse(readFileSync(file + '.backup', 'utf8')).serial).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8')).serial).toBe(2);
  });

  it.each([
    ['garbage', 'not json at all {', 'state.corrupt'],
    ['truncated', '{"version":1,"serial":3,"lin', 'state.corrupt'],
    ['wrong shape', '{"version":1,"serial":"x","lineage":"l","videos":{}}', 'state.corrupt'],
    ['future version', '{"version":99,"serial":1,"lineage":"l","videos":{}}', 'state.newer'],
  ])('refuses a %s state and leaves it byte-identical', async (_n, text, code) => {
    const file = path.join(tmp(), 'state.json');
    writeFileSync(file, text);
    const store = new FileStateStore(file);
    await expect(store.read()).rejects.toMatchObject({ code });
    await expect(store.read()).rejects.toThrow(/left untouched/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('migrates a version 0 state', async () => {
    const file = path.join(tmp(), 'state.json');
    const v = newVideoState({ name: 'a', specHash: 'sha256:1', regenerate: 0, outputPath: 'a.mp4' }, 0);
    writeFileSync(file, JSON.stringify({ version: 0, serial: 4, lineage: 'l', videos: [v] }));
    const s = await new FileStateStore(file).read();
    expect(s).toMatchObject({ version: STATE_VERSION, serial: 4, videos: { a: { name: 'a' } } });
  });

  it('migrates a version 1 state: records rendered by the built-in simulator (loopback URLs) are marked simulated', async () => {
    const file = path.join(tmp(), 'state.json');
    const rec = (name: string, url: string) => ({
      ...newVideoState({ name, specHash: 'sha256:1', regenerate: 0, outputPath: `${name}.mp4` }, 0),
      attempts: [
        {
          taskUUID: `t-${name}`,
          specHash: 'sha256:1',
          createdAt: '2026-01-01T00:00:00.000Z',
          state: 'succeeded',
          sends: 1,
          reservedUsd: 0.42,
          results: [{ videoUUID: 'v', videoURL: url, receivedAt: '2026-01-01T00:00:01.000Z' }],
        },
      ],
    });
    const v1 = {
      version: 1,
      serial: 7,
      lineage: 'l',
      videos: {
        demo: rec('demo', 'http://127.0.0.1:40123/videos/v.mp4'),
        real: rec('real', 'https://vm.runware.ai/video/v.mp4'),
        fresh: newVideoState({ name: 'fresh', specHash: 'sha256:1', regenerate: 0, outputPath: 'fresh.mp4' }, 0),
      },
    };
    writeFileSync(file, JSON.stringify(v1));
    const s = (await new FileStateStore(file).read())!;
    expect(s.version).toBe(STATE_VERSION);
    expect(s.videos.demo!.simulated).toBe(true);
    expect(s.videos.real!.simulated).toBeUndefined();
    expect(s.videos.fresh!.simulated).toBeUndefined();
  });

  it('a write interrupted at any step leaves the old or the new file, never a torn one', async () => {
    // Each fs step fails in turn; the pass where no fault fires ends the loop.
    let failed = 0;
    for (let failAt = 0; ; failAt++) {
      expect(failAt, 'a write takes a bounded number of fs steps').toBeLessThan(30);
      const file = path.join(tmp(), 'state.json');
      const good = new FileStateStore(file);
      const old = await good.write(emptyState('lin'));
      const faulty = failingFs(failAt);
      const next = { ...old, videos: { a: newVideoState({ name: 'a', specHash: 'sha256:2', regenerate: 0, outputPath: 'a.mp4' }, 0) } };
      const err = await new FileStateStore(file, faulty).write(next).then(
        () => undefined,
        (e: Error) => e,
      );
      const after = await new FileStateStore(file).read();
      expect([1, 2]).toContain(after!.serial);
      expect(after!.serial === 1 ? after!.videos : after!.videos.a!.specHash).toEqual(after!.serial === 1 ? {} : 'sha256:2');
      if (!faulty.fired) {
        expect(err).toBeUndefined();
        expect(after!.serial).toBe(2);
        break;
      }
      // The fault fired: it reached the caller, or it hit a best-effort step (removing a stale backup link)
      // and the new state is complete.
      if (err) {
        expect(err.message, `fault at step ${failAt}`).toMatch(/injected crash/);
        failed++;
      } else expect(after!.serial, `fault at step ${failAt} was swallowed`).toBe(2);
    }
    expect(failed).toBeGreaterThanOrEqual(9); // open, write, sync, close, link, rename ×2, the directory's open and sync (no journal to remove)
  });

  it('names the holder when locked, and takes over a lock left by a dead process', async () => {
    const file = path.join(tmp(), 'state.json');
    const store = new FileStateStore(file);
    const lock = await store.lock('reelctl apply');
    await expect(new FileStateStore(file).lock()).rejects.toThrow(new RegExp(`locked by pid ${process.pid} on host .* \\(reelctl apply\\)`));
    await lock.release();
    expect(existsSync(file + '.lock')).toBe(false);
    writeFileSync(file + '.lock', JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: 'then' }));
    const taken = await store.lock();
    expect(taken.holder.pid).toBe(process.pid);
    await taken.release();
    writeFileSync(file + '.lock', JSON.stringify({ pid: 1, host: 'another-host', since: 'then' }));
    await expect(store.lock()).rejects.toThrow(/another-host/);
  });
});
