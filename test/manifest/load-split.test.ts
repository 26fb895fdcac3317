// The counter the main thread and the loader worker claim files from (load-split.ts): every file is
// claimed exactly once, in order, in chunks of at most CHUNK that shrink towards the end (so neither thread
// waits long for the other's last chunk), and a claim once everything is taken says so.
import { describe, expect, it } from 'vitest';
import { CHUNK, MIN_CHUNK, claim } from '../../src/manifest/load-split.js';

const counter = () => new Int32Array(new SharedArrayBuffer(4));

function claimAll(files: number): { at: number; end: number }[] {
  const next = counter();
  const got: { at: number; end: number }[] = [];
  for (let c; (c = claim(next, files)) !== undefined;) got.push(c);
  expect(claim(next, files)).toBeUndefined();
  return got;
}

describe('claim', () => {
  it('hands out every file once, in order, in chunks of MIN_CHUNK..CHUNK files (the last may be smaller)', () => {
    for (const files of [1, MIN_CHUNK, CHUNK * 3 + 1, 10_000]) {
      const got = claimAll(files);
      expect(got[0]!.at).toBe(0);
      expect(got.at(-1)!.end).toBe(files);
      got.forEach((c, i) => {
        if (i > 0) expect(c.at).toBe(got[i - 1]!.end);
        expect(c.end - c.at).toBeLessThanOrEqual(CHUNK);
        if (i < got.length - 1) expect(c.end - c.at).toBeGreaterThanOrEqual(MIN_CHUNK);
      });
    }
  });

  it('chunks shrink towards the end: full chunks first, MIN_CHUNK-sized ones last', () => {
    const sizes = claimAll(10_000).map((c) => c.end - c.at);
    expect(sizes[0]).toBe(CHUNK);
    expect(sizes.slice(-3).every((s) => s <= MIN_CHUNK)).toBe(true);
    expect(sizes.every((s, i) => i === 0 || s <= sizes[i - 1]!)).toBe(true);
  });

  it('an empty list has nothing to claim', () => {
    expect(claim(counter(), 0)).toBeUndefined();
  });
});
