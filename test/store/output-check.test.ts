// The output check remembers a file found intact (so apply's plan and the controller do not hash it twice),
// and never that memory over a change: same size, new bytes → modified.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkOutput } from '../../src/store/output-check.js';

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
