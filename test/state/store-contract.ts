// One contract suite for every StateStore (file, PostgreSQL and memory), and the write guard every real
// store keeps (file and PostgreSQL; the in-memory double does not check).
import { describe, expect, it } from 'vitest';
import type { StateFile, StateStore } from '../../src/state/model.js';
import { emptyState, newVideoState } from '../../src/state/transitions.js';

export function stateStoreContract(name: string, make: () => StateStore) {
  describe(`StateStore contract: ${name}`, () => {
    it('reads null before the first write', async () => {
      expect(await make().read()).toBeNull();
    });
    it('round-trips a state and increments serial on every write', async () => {
      const store = make();
      const s = emptyState('lin-1');
      s.videos.a = newVideoState({ name: 'a', specHash: 'sha256:1', regenerate: 0, outputPath: 'a.mp4' }, 0);
      const w1 = await store.write(s);
      const w2 = await store.write(w1);
      expect([w1.serial, w2.serial]).toEqual([1, 2]);
      const back = await store.read();
      expect(back).toEqual(w2);
    });
    it('never lets serial go backwards, even when given an older state', async () => {
      const store = make();
      const w1 = await store.write(emptyState('lin-2'));
      await store.write(w1);
      const w3 = await store.write(w1);
      expect(w3.serial).toBe(3);
    });
    it('refuses a state of another lineage', async () => {
      const store = make();
      await store.write(emptyState('lin-a'));
      await expect(store.write(emptyState('lin-b'))).rejects.toMatchObject({ code: 'state.lineage' });
    });
    it('is exclusive: a second lock fails while the first is held, and works after release', async () => {
      const store = make();
      const lock = await store.lock('test');
      await expect(store.lock('second')).rejects.toMatchObject({ code: 'state.locked' });
      await lock.release();
      const again = await store.lock('third');
      await again.release();
    });
  });
}

/** A state of lineage `lin` with one video whose cost is `costUsd`. */
function withCost(lin: string, costUsd: number): StateFile {
  const s = emptyState(lin);
  s.videos.a = { ...newVideoState({ name: 'a', specHash: 'sha256:1', regenerate: 0, outputPath: 'a.mp4' }, 0), costUsd };
  return s;
}

/** Issue 17's guard on every real store: a state or record its schema would reject is refused, nothing saved. */
export function writeGuardContract(name: string, make: () => StateStore) {
  describe(`StateStore write guard: ${name}`, () => {
    it('refuses a snapshot with a NaN cost; what was stored stays readable as it was', async () => {
      const store = make();
      const good = await store.write(withCost('lin-guard', 0.42));
      await expect(store.write({ ...withCost('lin-guard', NaN), serial: good.serial })).rejects.toMatchObject({
        code: 'state.invalid-write',
        message: expect.stringMatching(/\/videos\/a\/costUsd/),
      });
      expect((await store.read())!.videos.a!.costUsd).toBe(0.42);
    });
    it('refuses a record with an Infinity cost (append); nothing of it is saved', async () => {
      const store = make();
      await store.write(withCost('lin-guard-2', 0.42));
      const bad = JSON.stringify(withCost('x', 0.5).videos.a).replace('"costUsd":0.5', '"costUsd":1e999');
      expect(store.append, `${name} saves records one by one`).toBeTypeOf('function');
      await expect(store.append!(new Map([['a', bad]]))).rejects.toMatchObject({ code: 'state.invalid-write' });
      await store.append!(new Map([['a', JSON.stringify({ ...withCost('x', 0.5).videos.a, message: 'fine' })]]));
      expect((await store.read())!.videos.a).toMatchObject({ costUsd: 0.5, message: 'fine' });
      await store.close?.(); // the file store's journal handle
    });
  });
}
