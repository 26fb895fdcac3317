// Directory fsyncs are group-committed: callers that come while one runs share the next, and nobody returns
// before a sync that started after their call (the rename they made before calling is then durable).
import { describe, expect, it } from 'vitest';
import { createDirSyncer, groupByKey } from '../../src/store/dir-sync.js';

function heldSyncs() {
  const syncs: { dir: string; done: () => void; fail: (e: Error) => void }[] = [];
  const syncOne = (dir: string) => new Promise<void>((resolve, reject) => void syncs.push({ dir, done: resolve, fail: reject }));
  return { syncs, syncOne };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('createDirSyncer', () => {
  it('ten callers during one running fsync share ONE next fsync, started only after the running one ends', async () => {
    const h = heldSyncs();
    const sync = createDirSyncer(h.syncOne);
    const returned: number[] = [];
    const first = sync('/out').then(() => returned.push(0));
    const later = Array.from({ length: 10 }, (_, i) => sync('/out').then(() => returned.push(i + 1)));
    await tick();
    expect(h.syncs.length).toBe(1); // the later callers wait: their renames may postdate the running sync
    h.syncs[0]!.done();
    await first;
    await tick();
    expect(returned).toEqual([0]); // not satisfied by the sync that was already running when they called
    expect(h.syncs.length).toBe(2);
    h.syncs[1]!.done();
    await Promise.all(later);
    expect(returned.slice(1).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(h.syncs.length).toBe(2);
  });

  it('different directories are synced independently, and a failed fsync fails only the callers it was for', async () => {
    const h = heldSyncs();
    const sync = createDirSyncer(h.syncOne);
    const a = sync('/a');
    const b = sync('/b');
    const a2 = sync('/a');
    await tick();
    expect(h.syncs.map((s) => s.dir)).toEqual(['/a', '/b']);
    h.syncs[0]!.fail(new Error('EIO'));
    await expect(a).rejects.toThrow('EIO');
    await tick();
    expect(h.syncs.map((s) => s.dir)).toEqual(['/a', '/b', '/a']); // a2 still gets a sync of its own
    h.syncs[1]!.done();
    h.syncs[2]!.done();
    await expect(b).resolves.toBeUndefined();
    await expect(a2).resolves.toBeUndefined();
    const again = sync('/a'); // idle again: starts at once
    await tick();
    expect(h.syncs.length).toBe(4);
    h.syncs[3]!.done();
    await again;
  });
});

describe('groupByKey (directory listings of sidecars written together)', () => {
  it('callers during a running listing share the NEXT one and get its result: they see files renamed before they called', async () => {
    const runs: { key: string; done: (files: string[]) => void }[] = [];
    const list = groupByKey((key) => new Promise<string[]>((resolve) => void runs.push({ key, done: resolve })));
    const first = list('/out');
    const later = Array.from({ length: 20 }, () => list('/out'));
    await tick();
    expect(runs.length).toBe(1);
    runs[0]!.done(['a.json']);
    await expect(first).resolves.toEqual(['a.json']);
    await tick();
    expect(runs.length).toBe(2); // one listing for the twenty, started after the first ended
    runs[1]!.done(['a.json', 'b.json.tmp-7']);
    for (const r of await Promise.all(later)) expect(r).toEqual(['a.json', 'b.json.tmp-7']);
    expect(runs.length).toBe(2);
  });
});
