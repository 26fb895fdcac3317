import { describe, expect, it } from 'vitest';
import { ManifestError, ProviderError, ReelctlError } from '../src/errors.js';
import { registerSecret, scrub } from '../src/log.js';
import { estimateCostUsd } from '../src/pricing/prices.js';

describe('error taxonomy', () => {
  it('formats a located error as FILE:LINE:COL: message', () => {
    const e = new ReelctlError('bad width', { code: 'rule.size', location: { file: 'a.yaml', line: 3, col: 5 } });
    expect(e.format()).toBe('a.yaml:3:5: bad width');
  });
  it('marks transient and unknown-outcome provider errors retryable, terminal not', () => {
    expect(new ProviderError('x', { code: 'http.503', kind: 'transient' }).retryable).toBe(true);
    expect(new ProviderError('x', { code: 'timeout', kind: 'unknown-outcome' }).retryable).toBe(true);
    expect(new ProviderError('x', { code: 'invalidApiKey', kind: 'terminal' }).retryable).toBe(false);
  });
  it('ManifestError carries every problem', () => {
    const e = new ManifestError([{ file: 'a', line: 1, col: 1, message: 'm', code: 'c' }]);
    expect(e.problems).toHaveLength(1);
    expect(e.exitCode).toBe(1);
  });
});

describe('secret scrubbing', () => {
  it('replaces a registered secret wherever it appears', () => {
    registerSecret('canary-key-123456');
    expect(scrub('auth Bearer canary-key-123456 failed')).toBe('auth Bearer [REDACTED] failed');
  });
});

describe('price table', () => {
  it("prices the seed's four examples at 0.42, 0.504, 0.672, 0.672", () => {
    const m = 'klingai:kling-video@3-standard';
    expect([5, 6, 8, 8].map((d) => estimateCostUsd({ model: m, duration: d }))).toEqual([0.42, 0.504, 0.672, 0.672]);
  });
  it('uses the sound price and multiplies by numberResults', () => {
    expect(estimateCostUsd({ model: 'klingai:kling-video@3-standard', duration: 5, numberResults: 2, providerSettings: { klingai: { sound: true } } })).toBe(
      1.26,
    );
  });
});
