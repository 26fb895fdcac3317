// One contract suite for every StateStore (file and memory).
import { describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/state/model.js';
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
