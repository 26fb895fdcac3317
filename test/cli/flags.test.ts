import { describe, expect, it } from 'vitest';
import { parseConcurrency, parseLockTimeout, parseMaxCost, parseSupersede } from '../../src/cli/flags.js';

// apply and run parse these flags with the same functions: what one accepts, the other accepts.
describe('shared flags (apply and run agree)', () => {
  it.each([
    ['1', 1],
    ['8', 8],
    ['1000', 1000],
  ])('--concurrency %s', (text, n) => expect(parseConcurrency(text)).toBe(n));
  it.each(['0', '-1', '1.5', 'x', '', '1001'])('--concurrency "%s" is refused', (text) =>
    expect(() => parseConcurrency(text)).toThrow(/--concurrency must be a positive integer/),
  );

  it.each([
    ['0', 0],
    ['20', 20],
    ['0.25', 0.25],
  ])('--max-cost %s', (text, n) => expect(parseMaxCost(text)).toBe(n));
  it.each(['', ' ', '-1', 'lots', 'Infinity', 'NaN'])('--max-cost "%s" is refused (an empty value is not 0)', (text) =>
    expect(() => parseMaxCost(text)).toThrow(/--max-cost must be a non-negative number/),
  );

  it('--supersede and --lock-timeout', () => {
    expect(parseSupersede('wait')).toBe('wait');
    expect(parseSupersede('abandon')).toBe('abandon');
    expect(() => parseSupersede('never')).toThrow(/wait or abandon/);
    expect(parseLockTimeout('0')).toBe(0);
    expect(parseLockTimeout('1m30s')).toBe(90_000);
    expect(() => parseLockTimeout('soon')).toThrow(/invalid duration/);
  });
});
