// A kill -9 while a sidecar is being written leaves `<output>.json.tmp-<pid>` in --out (found by the webhook
// crash test). Once the sidecar is written again, leftovers of processes that are gone are removed; a live
// process's temp file is left alone.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../src/store/artifacts.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const DEAD_PID = 2 ** 22 + 4321; // above Linux's pid_max: never a live process

describe('sidecar temp files', () => {
  it("a dead process's leftover is removed when the sidecar is written; a live process's is kept", async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-sidecar-'));
    const dead = path.join(dir, `clip.mp4.json.tmp-${DEAD_PID}`);
    const live = path.join(dir, 'clip.mp4.json.tmp-1'); // pid 1 always exists
    const other = path.join(dir, `other.mp4.json.tmp-${DEAD_PID}`); // another output's: not this sidecar's business
    for (const f of [dead, live, other]) writeFileSync(f, '{"half":');
    await new ArtifactStore(dir, async () => {
      throw new Error('no download here');
    }).writeSidecar('clip.mp4', { sha256: 'x' });
    expect(JSON.parse(readFileSync(path.join(dir, 'clip.mp4.json'), 'utf8'))).toEqual({ sha256: 'x' });
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });

  it('each directory is listed once per store: a leftover that appears after its first sidecar there waits for the next store (run)', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-sidecar-'));
    const noDownloads = async () => {
      throw new Error('no download here');
    };
    const store = new ArtifactStore(dir, noDownloads);
    await store.writeSidecar('a.mp4', { sha256: 'a' }); // lists the directory: no leftovers yet
    const late = path.join(dir, `b.mp4.json.tmp-${DEAD_PID}`);
    writeFileSync(late, '{"half":');
    await store.writeSidecar('b.mp4', { sha256: 'b' });
    expect(existsSync(late)).toBe(true); // not listed again for every sidecar (200 renders: 200 listings)
    await new ArtifactStore(dir, noDownloads).writeSidecar('b.mp4', { sha256: 'b' });
    expect(existsSync(late)).toBe(false);
    expect(JSON.parse(readFileSync(path.join(dir, 'b.mp4.json'), 'utf8'))).toEqual({ sha256: 'b' });
  });
});
