// Issue 19 (daemon at 50,000 videos): the start-up pass marks every record dirty without flushing it. A
// flush for one video (an intent before a submit) must not carry that whole backlog: a save takes the
// records asked for and a bounded slice of the rest; `flush()` and close carry everything, as a snapshot
// when the change is large — and a snapshot is written in pieces, never as one string.
import { describe, expect, it } from 'vitest';
import type { AppendResult, StateFile, StateLock, StateStore, WriteOptions } from '../../src/state/model.js';
import { decodeState } from '../../src/state/codec.js';
import { emptyState, newVideoState, setPhase } from '../../src/state/transitions.js';
import { StateWriter } from '../../src/state/writer.js';

const video = (name: string) => newVideoState({ name, specHash: 'sha256:1', regenerate: 0, outputPath: `${name}.mp4` }, 0);

/** A store that records what each save carried: the names appended, or the pieces of a snapshot. */
function recordingStore() {
  const appends: string[][] = [];
  const snapshots: { pieces: string[]; text: string }[] = [];
  let serial = 1;
  const store: StateStore = {
    read: async () => null,
    write: async (next: StateFile, opts: WriteOptions = {}) => {
      const written = { ...next, serial: ++serial };
      const pieces = [...opts.encode!(written)];
      snapshots.push({ pieces, text: pieces.join('') });
      return written;
    },
    append: async (changes: ReadonlyMap<string, string | null>): Promise<AppendResult> => {
      appends.push([...changes.keys()]);
      return { serial: ++serial, journalBytes: 100 };
    },
    lock: async () => ({}) as StateLock,
  };
  return { store, appends, snapshots };
}

function stateOf(n: number): StateFile {
  const s = emptyState('lin');
  for (let i = 0; i < n; i++) s.videos[`v${String(i).padStart(5, '0')}`] = video(`v${String(i).padStart(5, '0')}`);
  s.serial = 1; // a snapshot is on disk: saves go to the journal
  return s;
}

describe('StateWriter: the dirty backlog', () => {
  it('a flush for one video carries it and at most a slice of the other dirty records; the rest stay dirty', async () => {
    const state = stateOf(4000);
    const { store, appends, snapshots } = recordingStore();
    const writer = new StateWriter(store, state, { journalMinVideos: 0 });
    // The start-up pass: every record changed and marked, none flushed.
    for (const [name, v] of Object.entries(state.videos)) {
      setPhase(v, 'Pending', 1, 'checked');
      writer.markDirty(name);
    }
    setPhase(state.videos.v03999!, 'Submitted', 2);
    await writer.flush('v03999');
    expect(appends).toHaveLength(1);
    expect(appends[0]).toContain('v03999'); // the one asked for, even though it was marked last
    expect(appends[0]!.length).toBeLessThanOrEqual(65);
    expect(appends[0]!.length).toBeGreaterThan(1); // the backlog drains a slice per save
    expect(snapshots).toHaveLength(0);
    // The next flush for another video carries the next slice.
    await writer.flush('v00000');
    expect(appends).toHaveLength(2);
    expect(new Set([...appends[0]!, ...appends[1]!]).size).toBe(appends[0]!.length + appends[1]!.length);
    // Everything (flush() or close): the rest, more than a quarter of the records, is one snapshot.
    await writer.flushIfDirty();
    expect(appends).toHaveLength(2);
    expect(snapshots).toHaveLength(1);
    expect(Object.values(decodeState(snapshots[0]!.text, 'mem').videos).every((v) => v.phase !== 'Ready')).toBe(true);
    // Nothing is dirty any more: a flush of everything saves nothing new.
    await writer.flushIfDirty();
    expect(snapshots).toHaveLength(1);
    expect(appends).toHaveLength(2);
  });

  it('a save of everything that changed only a few records is still a journal append', async () => {
    const state = stateOf(2000);
    const { store, appends, snapshots } = recordingStore();
    const writer = new StateWriter(store, state, { journalMinVideos: 0 });
    for (const name of Object.keys(state.videos)) writer.markDirty(name); // marked, unchanged
    setPhase(state.videos.v00007!, 'Submitted', 2);
    await writer.flush();
    expect(snapshots).toHaveLength(0);
    expect(appends).toEqual([['v00007']]);
  });

  it('every record of a small state changed at once is one journal line; past 1,000 records and a quarter, a snapshot', async () => {
    const small = stateOf(200);
    const a = recordingStore();
    const w1 = new StateWriter(a.store, small, { journalMinVideos: 0 });
    for (const [name, v] of Object.entries(small.videos)) {
      setPhase(v, 'Downloading', 2); // 200 renders finished together
      w1.markDirty(name);
    }
    await w1.flush();
    expect(a.snapshots).toHaveLength(0);
    expect(a.appends).toHaveLength(1);
    expect(a.appends[0]).toHaveLength(200);
    const large = stateOf(4000);
    const b = recordingStore();
    const w2 = new StateWriter(b.store, large, { journalMinVideos: 0 });
    for (const [name, v] of Object.entries(large.videos).slice(0, 1500)) {
      setPhase(v, 'Downloading', 2);
      w2.markDirty(name);
    }
    await w2.flush();
    expect(b.appends).toHaveLength(0);
    expect(b.snapshots).toHaveLength(1);
  });

  it('a large snapshot is written in pieces of about 1 MB that join to the whole state', async () => {
    const state = stateOf(6000); // ~3 MB of JSON
    const { store, snapshots } = recordingStore();
    const writer = new StateWriter(store, state, { journalMinVideos: 0 });
    writer.markStateDirty();
    await writer.flush();
    expect(snapshots).toHaveLength(1);
    const { pieces, text } = snapshots[0]!;
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces.slice(0, -1)) expect(p.length).toBeLessThan(1.2 * (1 << 20));
    const read = decodeState(text, 'mem');
    expect(Object.keys(read.videos)).toEqual(Object.keys(state.videos));
    expect(read.videos.v00042).toEqual(JSON.parse(JSON.stringify(state.videos.v00042)));
  });

  it('close with a journal on disk writes the one snapshot at once: no append of the backlog first', async () => {
    const state = stateOf(400);
    const { store, appends, snapshots } = recordingStore();
    const writer = new StateWriter(store, state, { journalMinVideos: 0 });
    setPhase(state.videos.v00001!, 'Submitted', 2);
    await writer.flush('v00001'); // a journal exists now
    expect(appends).toHaveLength(1);
    for (const [name, v] of Object.entries(state.videos).slice(0, 50)) {
      setPhase(v, 'Pending', 3, 'checked');
      writer.markDirty(name);
    }
    await writer.close();
    expect(appends).toHaveLength(1); // before: the 50 records appended, then the snapshot folding them in
    expect(snapshots).toHaveLength(1);
    const saved = decodeState(snapshots[0]!.text, 'state.json');
    expect(saved.videos.v00049!.phase).toBe('Pending');
    expect(saved.videos.v00001!.phase).toBe(state.videos.v00001!.phase);
  });

  it('a snapshot is indented for people up to 100 videos, compact above (one line: no second, indented serialization)', async () => {
    for (const [n, lines] of [
      [100, (l: number) => l > 100],
      [101, (l: number) => l === 1],
    ] as const) {
      const { store, snapshots } = recordingStore();
      const state = stateOf(n);
      state.serial = 0; // nothing on disk: the first save is a snapshot
      const writer = new StateWriter(store, state);
      await writer.flush();
      const text = snapshots[0]!.text;
      expect([n, lines(text.trimEnd().split('\n').length)]).toEqual([n, true]);
      expect(Object.keys(decodeState(text, 'state.json').videos)).toHaveLength(n);
    }
  });
});
