// The state journal: appends carry only what changed, a torn tail is dropped, corruption is refused, a
// compaction folds it in, and a save costs the same whatever the size of the state.
import * as fs from 'node:fs/promises';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateWriter } from '../../src/state/writer.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { failingFs } from './failing-fs.js';
import { applyJournal, journalHeader, journalPath, journalRecord } from '../../src/state/journal.js';
import { MemoryStateStore } from '../doubles/memory-store.js';
import type { StateFile } from '../../src/state/model.js';
import { emptyState, newVideoState, setPhase } from '../../src/state/transitions.js';

// Every temp dir is removed and every store's journal handle closed after each test (an unclosed handle,
// typically after an injected fault, shows up later as "Closing file descriptor … on garbage collection").
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'reelctl-journal-'));
  dirs.push(d);
  return d;
};
const stores = new Set<FileStateStore>();
class TrackedStore extends FileStateStore {
  constructor(...args: ConstructorParameters<typeof FileStateStore>) {
    super(...args);
    stores.add(this);
  }
}
afterEach(async () => {
  for (const s of stores) await s.close();
  stores.clear();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const video = (name: string) => newVideoState({ name, specHash: 'sha256:1', regenerate: 0, outputPath: `${name}.mp4` }, 0);

function stateWith(names: string[]): StateFile {
  const s = emptyState('lin');
  for (const n of names) s.videos[n] = video(n);
  return s;
}

/** A state on disk (snapshot written) and a writer over it, as the controller holds them. */
async function onDisk(names: string[], opts = {}) {
  opts = { journalMinVideos: 0, ...opts };
  const file = path.join(tmp(), 'state.json');
  const store = new TrackedStore(file);
  const first = new StateWriter(store, stateWith(names));
  await first.flush(); // serial 0 → a snapshot
  const state = (await new TrackedStore(file).read())!;
  const reader = new TrackedStore(file);
  await reader.read();
  const writer = new StateWriter(reader, state, opts);
  return { file, store: reader, state, writer };
}

describe('applyJournal (pure)', () => {
  const snap = { ...stateWith(['a']), serial: 5 };
  const rec = (serial: number, name: string, v: unknown) => journalRecord(serial, new Map([[name, v === null ? null : JSON.stringify(v)]]));

  it('applies records in order, a null removes a video', () => {
    const text = journalHeader('lin', 5) + rec(6, 'b', video('b')) + rec(7, 'a', null);
    const r = applyJournal(snap, text);
    expect(r.kind).toBe('applied');
    if (r.kind !== 'applied') return;
    expect(r.state.serial).toBe(7);
    expect(Object.keys(r.state.videos)).toEqual(['b']);
    expect(r.validBytes).toBe(Buffer.byteLength(text));
    expect(snap.videos.a).toBeDefined(); // the snapshot is not mutated
  });

  it('drops a torn last line and says where the next append goes', () => {
    const good = journalHeader('lin', 5) + rec(6, 'b', video('b'));
    const r = applyJournal(snap, good + rec(7, 'c', video('c')).slice(0, 40));
    expect(r).toMatchObject({ kind: 'applied', records: 1, validBytes: Buffer.byteLength(good) });
    expect(r.kind === 'applied' && r.tornBytes).toBe(40);
  });

  it('refuses garbage in the middle, a gap in serials, another lineage, an unknown format', () => {
    const h = journalHeader('lin', 5);
    expect(applyJournal(snap, h + 'garbage\n' + rec(6, 'b', video('b')))).toMatchObject({ kind: 'corrupt', line: 2 });
    expect(applyJournal(snap, h + rec(7, 'b', video('b')))).toMatchObject({
      kind: 'corrupt',
      line: 2,
      why: expect.stringMatching(/serial 7 does not follow 5/),
    });
    expect(applyJournal(snap, journalHeader('other', 5))).toMatchObject({ kind: 'corrupt', line: 1, why: expect.stringMatching(/another state/) });
    expect(applyJournal(snap, '{"reelctlJournal":9}\n')).toMatchObject({ kind: 'corrupt', line: 1 });
  });

  it('ignores a journal the snapshot already folded in, and flags one that starts after it', () => {
    expect(applyJournal(snap, journalHeader('lin', 4) + rec(5, 'b', video('b'))).kind).toBe('stale');
    expect(applyJournal(snap, journalHeader('lin', 8))).toEqual({ kind: 'ahead', base: 8 });
    expect(applyJournal(snap, '').kind).toBe('none');
    expect(applyJournal(snap, '{"reelctlJour').kind).toBe('none'); // torn header: never acknowledged
  });

  it('keeps __proto__ as a plain key', () => {
    const text = journalHeader('lin', 5) + `{"serial":6,"videos":{"__proto__":${JSON.stringify(video('__proto__'))}}}\n`;
    const r = applyJournal(snap, text);
    expect(r.kind === 'applied' && Object.keys(r.state.videos)).toEqual(['a', '__proto__']);
    expect(({} as Record<string, unknown>).phase).toBeUndefined();
  });
});

describe('StateWriter with a journal', () => {
  it('a save appends only the changed record; the merged state reads back', async () => {
    const { file, state, writer } = await onDisk(['a', 'b', 'c']);
    const snapshotBefore = readFileSync(file, 'utf8');
    setPhase(state.videos.b!, 'Ready', 1000, 'done');
    await writer.flush('b');
    expect(readFileSync(file, 'utf8')).toBe(snapshotBefore); // the snapshot was not rewritten
    const lines = readFileSync(journalPath(file), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(Object.keys(JSON.parse(lines[1]!).videos)).toEqual(['b']);
    const back = (await new TrackedStore(file).read())!;
    expect(back.videos.b!.phase).toBe('Ready');
    expect(back.serial).toBe(state.serial);
  });

  it('a record marked dirty but unchanged is not written at all', async () => {
    const { file, writer } = await onDisk(['a', 'b']);
    await writer.flush('a');
    writer.markDirty();
    await writer.flush();
    expect(existsSync(journalPath(file))).toBe(false);
    expect(writer.skipped).toBe(2);
  });

  it('a removed video is journalled as null', async () => {
    const { file, state, writer } = await onDisk(['a', 'b']);
    delete state.videos.a;
    writer.markDirty();
    await writer.flush();
    expect(Object.keys((await new TrackedStore(file).read())!.videos)).toEqual(['b']);
  });

  it('compacts once the journal outgrows the threshold, and on close; the journal is then gone', async () => {
    const { file, state, writer } = await onDisk(['a', 'b'], { minCompactBytes: 4000 });
    for (let i = 0; i < 20; i++) {
      setPhase(state.videos.a!, 'Running', i * 1000, `tick ${i}`);
      await writer.flush('a');
    }
    expect(writer.snapshots).toBeGreaterThan(1);
    expect(existsSync(journalPath(file)) ? statSync(journalPath(file)).size : 0).toBeLessThan(6000);
    await writer.close();
    expect(existsSync(journalPath(file))).toBe(false);
    const snap = JSON.parse(readFileSync(file, 'utf8'));
    expect(snap.serial).toBe(state.serial);
    expect(snap.videos.a.message).toBe('tick 19');
  });

  it('a restart continues the journal after a torn tail, and the torn bytes are cut off', async () => {
    const { file, state, writer } = await onDisk(['a']);
    setPhase(state.videos.a!, 'Running', 1, 'one');
    await writer.flush('a');
    appendFileSync(journalPath(file), '{"serial":3,"videos":{"a":{"TORN'); // a crash mid-append
    const store2 = new TrackedStore(file);
    const s2 = (await store2.read())!;
    expect(s2.videos.a!.message).toBe('one');
    const w2 = new StateWriter(store2, s2, { journalMinVideos: 0 });
    setPhase(s2.videos.a!, 'Ready', 2, 'two');
    await w2.flush('a');
    const text = readFileSync(journalPath(file), 'utf8');
    expect(text).not.toContain('TORN');
    expect(text.trim().split('\n')).toHaveLength(3);
    expect((await new TrackedStore(file).read())!.videos.a!.message).toBe('two');
  });

  it('a stale journal left by a compaction cut short is ignored, then replaced', async () => {
    const { file, state, writer } = await onDisk(['a']);
    setPhase(state.videos.a!, 'Running', 1, 'one');
    await writer.flush('a');
    const stale = readFileSync(journalPath(file), 'utf8');
    await writer.close(); // compaction: the snapshot now holds serial 2
    writeFileSync(journalPath(file), stale); // as if the unlink had been lost
    const store2 = new TrackedStore(file);
    const s2 = (await store2.read())!;
    expect(s2.serial).toBe(3);
    const w2 = new StateWriter(store2, s2, { journalMinVideos: 0 });
    setPhase(s2.videos.a!, 'Ready', 2, 'two');
    await w2.flush('a');
    expect(JSON.parse(readFileSync(journalPath(file), 'utf8').split('\n')[0]!).base).toBe(3);
    expect((await new TrackedStore(file).read())!).toMatchObject({ serial: 4, videos: { a: { message: 'two' } } });
  });

  it('a corrupt journal stops the read with a message naming it; both files are left untouched', async () => {
    const { file, state, writer } = await onDisk(['a']);
    setPhase(state.videos.a!, 'Running', 1, 'one');
    await writer.flush('a');
    await writer.flush('a');
    setPhase(state.videos.a!, 'Running', 2, 'two');
    await writer.flush('a');
    const j = journalPath(file);
    const lines = readFileSync(j, 'utf8').split('\n');
    lines[1] = 'garbage';
    writeFileSync(j, lines.join('\n'));
    const before = [readFileSync(file, 'utf8'), readFileSync(j, 'utf8')];
    await expect(new TrackedStore(file).read()).rejects.toThrow(/state journal .*state\.json\.journal is unusable: line 2.*left untouched/);
    expect([readFileSync(file, 'utf8'), readFileSync(j, 'utf8')]).toEqual(before);
  });

  it('a journal without its state file is refused, not taken for an empty state', async () => {
    const { file, state, writer } = await onDisk(['a']);
    setPhase(state.videos.a!, 'Running', 1, 'one');
    await writer.flush('a');
    await fs.unlink(file);
    await expect(new TrackedStore(file).read()).rejects.toThrow(/found the state journal .* but no state file/);
  });

  it('a failed append leaves the last acknowledged state, and the next append overwrites the partial bytes', async () => {
    const { file, state, writer, store } = await onDisk(['a']);
    setPhase(state.videos.a!, 'Running', 1, 'one');
    await writer.flush('a');
    // Fail the next fsync after the bytes were written: the record is not acknowledged.
    const j = (store as unknown as { journal: { fh: fs.FileHandle } }).journal;
    const realSync = j.fh.datasync.bind(j.fh);
    j.fh.datasync = async () => {
      throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
    };
    setPhase(state.videos.a!, 'Running', 2, 'a much longer message that makes this record longer than the next one');
    await expect(writer.flush('a')).rejects.toThrow(/EIO/);
    j.fh.datasync = realSync;
    state.videos.a!.message = 'short';
    writer.markDirty('a');
    await writer.flush('a');
    const lines = readFileSync(journalPath(file), 'utf8').split('\n');
    expect(lines.pop()).toBe(''); // ends with the newline of the last record: nothing left past it
    expect(lines.map((l) => JSON.parse(l).serial)).toEqual([undefined, 2, 3]);
    expect(JSON.parse(lines[2]!).videos.a.message).toBe('short');
    expect((await new TrackedStore(file).read())!.videos.a!.message).toBe('short');
  });

  it('a state under journalMinVideos is rewritten whole at every save: one file, no journal', async () => {
    const { file, state, writer } = await onDisk(['a', 'b'], { journalMinVideos: 3 });
    setPhase(state.videos.a!, 'Ready', 1, 'one');
    await writer.flush('a');
    expect(existsSync(journalPath(file))).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).videos.a.message).toBe('one');
    state.videos.c = video('c'); // now 3 videos: the journal takes over
    await writer.flush('c');
    expect(existsSync(journalPath(file))).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8')).videos.c).toBeUndefined();
    expect((await new TrackedStore(file).read())!.videos.c).toBeDefined();
  });

  it('without a journal (memory store) every save is a snapshot', async () => {
    const store = new MemoryStateStore();
    const state = stateWith(['a']);
    const writer = new StateWriter(store, state);
    await writer.flush('a');
    setPhase(state.videos.a!, 'Ready', 1);
    await writer.flush('a');
    expect(store.writes).toBe(2);
    expect(JSON.parse(store.text!).videos.a.phase).toBe('Ready');
  });

  it('one save writes about one record, whether the state holds 10 videos or 2,000', async () => {
    const sizes: number[] = [];
    for (const n of [10, 2000]) {
      const { file, state, writer } = await onDisk(Array.from({ length: n }, (_, i) => `v${i}`));
      setPhase(state.videos.v3!, 'Ready', 1);
      await writer.flush('v3');
      sizes.push(statSync(journalPath(file)).size);
    }
    expect(sizes[1]).toBe(sizes[0]);
    expect(sizes[0]).toBeLessThan(2000);
  });
});

describe('FileStateStore.append fault injection', () => {
  it('an append interrupted at any fs step leaves the state before or after it, never a broken one', async () => {
    // unlink, open, header write + sync, directory open + sync, two half-writes, datasync: each one fails in
    // turn (and the failure must reach the caller); the pass where no fault fires ends the loop.
    let failed = 0;
    for (let failAt = 0; ; failAt++) {
      expect(failAt, 'an append takes a bounded number of fs steps').toBeLessThan(30);
      const file = path.join(tmp(), 'state.json');
      await new StateWriter(new TrackedStore(file), stateWith(['a'])).flush();
      const faulty = failingFs(failAt);
      const store = new TrackedStore(file, faulty);
      const state = (await store.read())!;
      const writer = new StateWriter(store, state, { journalMinVideos: 0 });
      setPhase(state.videos.a!, 'Ready', 1, 'after');
      const err = await writer.flush('a').then(
        () => undefined,
        (e: Error) => e,
      );
      const after = (await new TrackedStore(file).read())!;
      expect([1, 2]).toContain(after.serial);
      expect(after.videos.a!.message).toBe(after.serial === 1 ? undefined : 'after');
      if (!faulty.fired) {
        expect(err).toBeUndefined();
        expect(after.serial).toBe(2);
        break;
      }
      expect(err?.message, `fault at step ${failAt}`).toMatch(/injected crash/);
      failed++;
    }
    expect(failed).toBeGreaterThanOrEqual(9);
  });
});
