// Issue 17 item 2 (state side): the state writer refuses a state its own schema would reject — no
// Infinity, NaN or negative cost ever reaches the disk, and the backup is never replaced by such a state.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStateStore } from '../../src/state/file-store.js';
import { journalPath } from '../../src/state/journal.js';
import type { StateFile, VideoState } from '../../src/state/model.js';
import { emptyState, newVideoState } from '../../src/state/transitions.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const video = (patch: (v: VideoState) => void): VideoState => {
  const v = newVideoState({ name: 'a', specHash: 'sha256:1', regenerate: 0, outputPath: 'a.mp4' }, 0);
  v.attempts.push({
    taskUUID: 'u1',
    specHash: 'sha256:1',
    createdAt: 'x',
    state: 'succeeded',
    sends: 1,
    reservedUsd: 0.5,
    costUsd: 0.5,
    results: [{ videoUUID: 'v', videoURL: 'https://x/v.mp4', costUsd: 0.5, receivedAt: 'x' }],
  });
  patch(v);
  return v;
};

const BAD: [string, (v: VideoState) => void, RegExp][] = [
  ['an Infinity cost (the API said 1e304 and it was summed)', (v) => (v.costUsd = Infinity), /\/videos\/a\/costUsd/],
  ['a NaN attempt cost', (v) => (v.attempts[0]!.costUsd = NaN), /\/videos\/a\/attempts\/0\/costUsd/],
  ['a negative result cost', (v) => (v.attempts[0]!.results![0]!.costUsd = -50), /\/videos\/a\/attempts\/0\/results\/0\/costUsd: must be >= 0/],
  ['a negative reservation', (v) => (v.attempts[0]!.reservedUsd = -1), /reservedUsd/],
];

describe('the state writer refuses what its schema would reject', () => {
  it.each(BAD)('snapshot: %s — state and backup left as they were', async (_n, patch, where) => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-guard-'));
    const file = path.join(dir, 'state.json');
    const store = new FileStateStore(file);
    const w1 = await store.write(emptyState('lin'));
    const w2 = await store.write({ ...w1, videos: { a: video(() => undefined) } });
    const [state, backup] = [readFileSync(file, 'utf8'), readFileSync(`${file}.backup`, 'utf8')];
    const bad: StateFile = { ...w2, videos: { a: video(patch) } };
    await expect(store.write(bad)).rejects.toMatchObject({ code: 'state.invalid-write', message: expect.stringMatching(where) });
    expect(readFileSync(file, 'utf8')).toBe(state);
    expect(readFileSync(`${file}.backup`, 'utf8')).toBe(backup);
    expect((await new FileStateStore(file).read())!.serial).toBe(2); // still readable, as it was
    expect(existsSync(journalPath(file))).toBe(false);
  });

  it.each(BAD)('journal: %s — nothing appended', async (_n, patch) => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-guard-'));
    const file = path.join(dir, 'state.json');
    const store = new FileStateStore(file);
    await store.write({ ...emptyState('lin'), videos: { a: video(() => undefined) } });
    await store.append(new Map([['a', JSON.stringify(video((v) => (v.message = 'fine')))]]));
    const journal = readFileSync(journalPath(file), 'utf8');
    await expect(store.append(new Map([['a', JSON.stringify(video(patch))]]))).rejects.toMatchObject({ code: 'state.invalid-write' });
    expect(readFileSync(journalPath(file), 'utf8')).toBe(journal);
    await store.close();
    expect((await new FileStateStore(file).read())!.videos.a!.message).toBe('fine');
  });

  it('a valid state still writes (the guard passes real states)', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-guard-'));
    const store = new FileStateStore(path.join(dir, 'state.json'));
    const w = await store.write({ ...emptyState('lin'), videos: { a: video((v) => (v.attempts[0]!.requestHash = `sha256:${'0'.repeat(64)}`)) } });
    expect(w.serial).toBe(1);
  });
});
