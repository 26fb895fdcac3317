// Every file in test/fixtures/invalid/ declares on its first line the problem it must produce:
// `# expect: CODE @ LINE:COL`. Each must be rejected with that code at exactly that place.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load.js';

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'invalid');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('invalid manifest corpus', () => {
  it('has at least 100 cases', () => {
    expect(files.length).toBeGreaterThanOrEqual(100);
  });

  it.each(files)('%s is rejected at the declared location', async (name) => {
    const file = path.join(dir, name);
    const m = /^# expect: (\S+) @ (\d+):(\d+)/.exec(readFileSync(file, 'utf8'));
    expect(m, 'fixture declares its expectation').not.toBeNull();
    const [, code, line, col] = m!;
    // No wall-clock cap (it failed under load, cold start included): a case that blows up — the alias
    // bomb of 109 without its limit — would not produce its declared code, or would hit the test timeout.
    const result = await loadManifests([file], { cwd: dir });
    expect(result.videos.filter((v) => v.source.file === name && result.problems.length === 0)).toEqual([]);
    const found = result.problems.map((p) => `${p.code} @ ${p.line}:${p.col}`);
    expect(found).toContain(`${code} @ ${line}:${col}`);
    for (const p of result.problems) {
      expect(p.file).toBe(name);
      expect(p.line).toBeGreaterThanOrEqual(1);
      expect(p.col).toBeGreaterThanOrEqual(1);
      expect(p.message).not.toMatch(/\n|at .*\.js:\d+/);
    }
  });
});
