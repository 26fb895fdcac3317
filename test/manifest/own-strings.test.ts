// ownStrings (issue 19 item 3): a parsed value's strings copied out of the file's text, equal short ones
// shared; the value itself — every string, number, nesting and key order — must come out unchanged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownCopy, ownStrings } from '../../src/manifest/own-strings.js';

describe('ownStrings', () => {
  it('leaves any JSON value equal, key order included (fast-check)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const before = JSON.stringify(v);
        const out = ownStrings(v);
        expect(out).toBe(v); // in place
        expect(JSON.stringify(out)).toBe(before);
        expect(JSON.stringify(ownStrings(v, false))).toBe(before);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps slices of a text equal to what they were, nested in objects and arrays', () => {
    const text = `model: klingai:kling-video@3-standard\nprompt: "${'a calm lake at dawn, '.repeat(20)}"\n`;
    const model = text.slice(7, 37);
    const prompt = text.slice(47, text.length - 2);
    const v = { model, inputs: { frames: [prompt, { image: model }] }, n: 3, ok: true, none: null };
    ownStrings(v);
    expect(v).toEqual({
      model: 'klingai:kling-video@3-standard',
      inputs: { frames: ['a calm lake at dawn, '.repeat(20), { image: 'klingai:kling-video@3-standard' }] },
      n: 3,
      ok: true,
      none: null,
    });
    expect(Object.keys(v)).toEqual(['model', 'inputs', 'n', 'ok', 'none']);
  });

  it('beyond its table, strings are still kept equal', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `label-value-number-${i}`);
    const copy = ownStrings([...many]);
    expect(copy).toEqual(many);
  });

  it('ownCopy: an equal string', () => {
    const text = 'metadata:\n  name: a-rather-long-video-name\n';
    expect(ownCopy(text.slice(18, 42))).toBe('a-rather-long-video-name');
    expect(ownCopy('short')).toBe('short');
  });
});
