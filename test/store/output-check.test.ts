// The output check remembers a file found intact (so apply's plan and the controller do not hash it twice),
// and never that memory over a change: same size, new bytes → modified.
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, renameSync, rmSync, writeFileSync, writeSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkAllOutputs, checkOutput, inspectOutput, sha256File } from '../../src/store/output-check.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('checkOutput', () => {
  it('ok twice for an untouched file; modified after a same-size edit; missing after removal', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-check-'));
    const bytes = Buffer.from('0123456789');
    writeFileSync(path.join(dir, 'a.mp4'), bytes);
    const rec = { path: 'a.mp4', bytes: 10, sha256: createHash('sha256').update(bytes).digest('hex') };
    expect(await checkOutput(dir, rec)).toBe('ok');
    expect(await checkOutput(dir, rec)).toBe('ok');
    writeFileSync(path.join(dir, 'a.mp4'), 'abcdefghij');
    utimesSync(path.join(dir, 'a.mp4'), new Date(Date.now() + 5000), new Date(Date.now() + 5000)); // a different mtime for sure
    expect(await checkOutput(dir, rec)).toBe('modified');
    rmSync(path.join(dir, 'a.mp4'));
    expect(await checkOutput(dir, rec)).toBe('missing');
  });
});

describe('cheap output checks (issue 19 item 5)', () => {
  const setup = async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-check-'));
    const file = path.join(dir, 'a.mp4');
    writeFileSync(file, '0123456789');
    const old = new Date(Date.now() - 60_000); // a whole-millisecond mtime, so utimes can put it back exactly
    utimesSync(file, old, old);
    const calls: string[] = [];
    const hash = async (f: string) => (calls.push(f), sha256File(f));
    const seen = (await inspectOutput(dir, { path: 'a.mp4', bytes: 10, sha256: 'x' }, { hash: async () => 'x' })).seen!;
    const rec = { path: 'a.mp4', bytes: 10, sha256: createHash('sha256').update('0123456789').digest('hex'), seen };
    return { file, calls, hash, rec, old };
  };

  it('a clean check hashes nothing; a same-size, same-mtime, same-inode edit is caught only with verify', async () => {
    const { file, calls, hash, rec, old } = await setup();
    expect(await checkOutput(dir, rec, { hash })).toBe('ok');
    expect(calls).toEqual([]);
    const fd = openSync(file, 'r+'); // in place: same inode
    writeSync(fd, 'X', 0);
    closeSync(fd);
    utimesSync(file, old, old); // mtime put back
    expect(await checkOutput(dir, rec, { hash })).toBe('ok'); // the documented blind spot of the cheap check
    expect(calls).toEqual([]);
    expect(await checkOutput(dir, rec, { hash, verify: true })).toBe('modified');
    expect(calls).toHaveLength(1);
  });

  it('a changed size, mtime or inode is caught (the hash runs when the stat differs)', async () => {
    const { file, calls, hash, rec, old } = await setup();
    writeFileSync(file, '0123456789+');
    expect(await checkOutput(dir, rec, { hash })).toBe('modified'); // size: no hash needed
    writeFileSync(file, 'abcdefghij');
    utimesSync(file, new Date(old.getTime() + 5000), new Date(old.getTime() + 5000));
    expect(await checkOutput(dir, rec, { hash })).toBe('modified'); // mtime differs → hashed
    writeFileSync(path.join(dir, 'b.mp4'), 'abcdefghij');
    utimesSync(path.join(dir, 'b.mp4'), old, old);
    renameSync(path.join(dir, 'b.mp4'), file); // same size and mtime, another inode
    expect(await checkOutput(dir, rec, { hash })).toBe('modified');
    expect(calls).toHaveLength(2);
  });

  it('a record without a recorded stat (an older state) is hashed, and the check returns the stat to record', async () => {
    const { calls, hash, rec } = await setup();
    const { seen: _, ...old } = rec;
    const c = await inspectOutput(dir, old, { hash, verify: true });
    expect(c).toEqual({ status: 'ok', seen: rec.seen });
    expect(calls).toHaveLength(1);
  });

  it('checkAllOutputs of a clean state hashes nothing, and hashes every file with verify', async () => {
    const { calls, hash, rec } = await setup();
    const state = { videos: { a: { outputs: [rec] } } } as unknown as Parameters<typeof checkAllOutputs>[1];
    expect(await checkAllOutputs(dir, state, { hash })).toEqual(new Map([['a.mp4', 'ok']]));
    expect(calls).toEqual([]);
    expect(await checkAllOutputs(dir, state, { hash, verify: true })).toEqual(new Map([['a.mp4', 'ok']]));
    expect(calls).toHaveLength(1);
  });
});

describe('remember: false (the controller, which records `seen` instead)', () => {
  it('a file found intact is not remembered: the next look without `seen` hashes again', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-check-'));
    writeFileSync(path.join(dir, 'b.mp4'), 'abcdefghij');
    const rec = { path: 'b.mp4', bytes: 10, sha256: createHash('sha256').update('abcdefghij').digest('hex') };
    const calls: string[] = [];
    const hash = async (f: string) => (calls.push(f), sha256File(f));
    expect((await inspectOutput(dir, rec, { hash, remember: false })).status).toBe('ok');
    expect((await inspectOutput(dir, rec, { hash, remember: false })).status).toBe('ok');
    expect(calls).toHaveLength(2);
    // Remembered (the plan's look): the next one is a stat.
    expect((await inspectOutput(dir, rec, { hash })).status).toBe('ok');
    expect((await inspectOutput(dir, rec, { hash })).status).toBe('ok');
    expect(calls).toHaveLength(3);
  });
});
