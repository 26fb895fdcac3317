// The state writer is a group commit: flushes that come while a save runs share the NEXT save, and nobody
// returns before a save that started after its change (the intent before a submit, a Ready before it is
// acknowledged). 200 videos finishing together cost a handful of saves, not 200 — with the same guarantee.
import { describe, expect, it } from 'vitest';
import type { AppendResult, StateFile, StateLock, StateStore } from '../../src/state/model.js';
import { emptyState, newVideoState, setPhase } from '../../src/state/transitions.js';
import { StateWriter } from '../../src/state/writer.js';

const video = (name: string) => newVideoState({ name, specHash: 'sha256:1', regenerate: 0, outputPath: `${name}.mp4` }, 0);
const tick = () => new Promise((r) => setImmediate(r));

/** A store whose saves are held until the test lets them end; each remembers the phases it carried. */
function heldStore() {
  const saves: { phases: Record<string, string>; done: () => void; fail: (e: Error) => void }[] = [];
  let serial = 0;
  const hold = <T>(phases: Record<string, string>, value: () => T) =>
    new Promise<T>((resolve, reject) => void saves.push({ phases, done: () => resolve(value()), fail: reject }));
  const store: StateStore = {
    read: async () => null,
    write: (next: StateFile) => hold(Object.fromEntries(Object.entries(next.videos).map(([n, v]) => [n, v.phase])), () => ({ ...next, serial: ++serial })),
    append: (changes: ReadonlyMap<string, string | null>) =>
      hold(Object.fromEntries([...changes].map(([n, j]) => [n, j === null ? 'removed' : (JSON.parse(j) as { phase: string }).phase])), (): AppendResult => ({
        serial: ++serial,
        journalBytes: 100,
      })),
    lock: async () => ({}) as StateLock,
  };
  return { store, saves };
}

describe('StateWriter group commit', () => {
  it('flushes made while a save runs wait for the next save (which carries their changes), and share it', async () => {
    const { store, saves } = heldStore();
    const state = emptyState('lin');
    for (const n of ['a', 'b', 'c']) state.videos[n] = video(n);
    state.serial = 1; // a snapshot is on disk: saves go to the journal
    const writer = new StateWriter(store, state, { journalMinVideos: 0 });
    const returned: string[] = [];
    setPhase(state.videos.a!, 'Submitted', 1);
    const first = writer.flush('a').then(() => returned.push('a'));
    await tick();
    expect(saves).toHaveLength(1);
    // b and c change while the first save is running: it may have encoded before they changed.
    setPhase(state.videos.b!, 'Ready', 2);
    setPhase(state.videos.c!, 'Ready', 2);
    const later = [writer.flush('b').then(() => returned.push('b')), writer.flush('c').then(() => returned.push('c'))];
    await tick();
    expect(saves).toHaveLength(1); // no second save while one runs
    saves[0]!.done();
    for (let i = 0; i < 50 && saves.length < 2; i++) await tick();
    expect(saves).toHaveLength(2);
    expect(returned).not.toContain('b'); // b and c are not acknowledged by a save that started before their change
    expect(returned).not.toContain('c');
    expect(saves[1]!.phases).toEqual({ b: 'Ready', c: 'Ready' }); // one save for both
    saves[1]!.done();
    await Promise.all([first, ...later]);
    expect(returned.sort()).toEqual(['a', 'b', 'c']);
    expect(saves).toHaveLength(2);
  });
});

describe('StateWriter group commit: one turn', () => {
  it('flushes asked in the same turn of the event loop share one save, even a few promise hops after the first', async () => {
    const { store, saves } = heldStore();
    const state = emptyState('lin');
    const names = Array.from({ length: 20 }, (_, i) => `v${i}`);
    for (const n of names) state.videos[n] = video(n);
    state.serial = 1;
    const writer = new StateWriter(store, state, { journalMinVideos: 0 });
    // Steps woken together (one poll round) reach their flush a few hops apart, each after changing its record.
    const hops = async (k: number) => {
      for (let i = 0; i < k; i++) await Promise.resolve();
    };
    const flushed = names.map(async (n, i) => {
      await hops(i);
      setPhase(state.videos[n]!, 'Downloading', 1);
      await writer.flush(n);
    });
    for (let i = 0; i < 50 && saves.length < 1; i++) await tick();
    expect(saves).toHaveLength(1);
    expect(Object.keys(saves[0]!.phases).sort()).toEqual([...names].sort()); // all twenty, in the first save
    expect(Object.values(saves[0]!.phases).every((p) => p === 'Downloading')).toBe(true);
    saves[0]!.done();
    await Promise.all(flushed);
    expect(saves).toHaveLength(1); // nobody waited for a second save
  });
});

describe('StateWriter group commit: failures', () => {
  it('a failed save fails the flushes whose changes it carried; a flush that came during it gets a save of its own', async () => {
    const { store, saves } = heldStore();
    const state = emptyState('lin');
    for (const n of ['a', 'b']) state.videos[n] = video(n);
    state.serial = 1;
    const writer = new StateWriter(store, state, { journalMinVideos: 0 });
    setPhase(state.videos.a!, 'Submitted', 1);
    const a = writer.flush('a');
    await tick();
    setPhase(state.videos.b!, 'Ready', 2);
    const b = writer.flush('b');
    saves[0]!.fail(new Error('EIO'));
    await expect(a).rejects.toThrow('EIO');
    for (let i = 0; i < 50 && saves.length < 2; i++) await tick();
    expect(saves).toHaveLength(2); // b's change was not in the failed save: it is saved now, not reported failed
    expect(saves[1]!.phases).toEqual({ a: 'Submitted', b: 'Ready' }); // a is still dirty (its save failed): retried with it
    saves[1]!.done();
    await expect(b).resolves.toBeUndefined();
  });
});
