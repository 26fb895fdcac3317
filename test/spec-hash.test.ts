import { describe, expect, it } from 'vitest';
import { canonicalJson, specHash } from '../src/manifest/spec-hash.js';
import { numberResultsOf, outputFilePaths, withDefaults } from '../src/manifest/defaults.js';

const base = { request: { model: 'klingai:kling-video@3-standard', positivePrompt: 'hello there', width: 1280, height: 720 }, regenerate: 0, localInputs: [] };

describe('spec hash', () => {
  it('ignores key order and explicit defaults', () => {
    const reordered = { ...base, request: { height: 720, width: 1280, positivePrompt: 'hello there', model: base.request.model, duration: 5 } };
    expect(specHash(reordered)).toBe(specHash(base));
  });
  it('changes with the prompt and with regenerate', () => {
    expect(specHash({ ...base, request: { ...base.request, positivePrompt: 'hello world' } })).not.toBe(specHash(base));
    expect(specHash({ ...base, regenerate: 1 })).not.toBe(specHash(base));
  });
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}');
  });
});

describe('output file naming', () => {
  it('numbers files only when numberResults > 1', () => {
    expect(outputFilePaths('alley/x.mp4', 1)).toEqual(['alley/x.mp4']);
    expect(outputFilePaths('alley/x.mp4', 2)).toEqual(['alley/x-1.mp4', 'alley/x-2.mp4']);
  });
});

describe('numberResultsOf', () => {
  it('is withDefaults(request).numberResults ?? 1, without copying the request', () => {
    const requests = [{}, { numberResults: 3 }, { numberResults: undefined }, { numberResults: 1 }, { model: 'm', duration: 5 }];
    for (const r of requests) expect(numberResultsOf(r)).toBe(withDefaults(r as never).numberResults ?? 1);
    expect(numberResultsOf({})).toBe(1);
    expect(numberResultsOf({ numberResults: 4 })).toBe(4);
  });
});
