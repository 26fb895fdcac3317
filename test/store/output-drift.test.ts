// Drift detection (issue 18 item 5): an output edited by hand is `modified` even when its size is the same
// — the sha256 decides, not the size alone — so a corrupted or replaced file is re-downloaded, never kept.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkOutput, sha256File } from '../../src/store/output-check.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('checkOutput', () => {
  it('ok as recorded; same size but other bytes → modified; other size → modified; gone → missing', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'reelctl-outcheck-'));
    const file = path.join(dir, 'v.mp4');
    writeFileSync(file, 'original video bytes');
    const rec = { path: 'v.mp4', sha256: await sha256File(file), bytes: 20 };
    expect(await checkOutput(dir, rec)).toBe('ok');
    writeFileSync(file, 'ORIGINAL video bytes'); // same 20 bytes, different content
    expect(await checkOutput(dir, rec)).toBe('modified');
    writeFileSync(file, 'short');
    expect(await checkOutput(dir, rec)).toBe('modified');
    unlinkSync(file);
    expect(await checkOutput(dir, rec)).toBe('missing');
  });
});
