// The chunk counter the main thread and the loader worker share (load-split.ts): every chunk is claimed
// exactly once, whichever thread asks, and a claim past the last chunk says so.
import { describe, expect, it } from 'vitest';
import { CHUNK, claim } from '../../src/manifest/load-split.js';

describe('claim', () => {
  it('hands out each chunk of the files once, then undefined', () => {
    const next = new Int32Array(new SharedArrayBuffer(4));
    const files = CHUNK * 3 + 1;
    const got: number[] = [];
    for (let c; (c = claim(next, files)) !== undefined;) got.push(c);
    expect(got).toEqual([0, 1, 2, 3]);
    expect(claim(next, files)).toBeUndefined();
  });

  it('an empty list has no chunk', () => {
    expect(claim(new Int32Array(new SharedArrayBuffer(4)), 0)).toBeUndefined();
  });
});
