import { describe, expect, it } from 'vitest';
import { formatAddress, parseListen } from '../../src/daemon/options.js';
import { parseDuration } from '../../src/cli/flags.js';
import { UsageError } from '../../src/errors.js';

describe('parseDuration', () => {
  it('parses the units users write for --resync', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5s')).toBe(1500);
  });
  it('rejects bare numbers and junk with a usage error', () => {
    for (const bad of ['', '30', '5x', 'm5', '5m ago', '-5s']) expect(() => parseDuration(bad)).toThrow(UsageError);
  });
});

describe('parseListen', () => {
  it('parses host:port, [ipv6]:port and defaults an empty host to loopback', () => {
    expect(parseListen('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen(':8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('0.0.0.0:9464')).toEqual({ host: '0.0.0.0', port: 9464 });
  });
  it('rejects a missing or out-of-range port', () => {
    for (const bad of ['localhost', '127.0.0.1:', '1.2.3.4:70000', 'a:b']) expect(() => parseListen(bad)).toThrow(UsageError);
  });
  it('formats IPv6 addresses with brackets', () => {
    expect(formatAddress({ host: '::1', port: 5 })).toBe('http://[::1]:5');
    expect(formatAddress({ host: '127.0.0.1', port: 5 })).toBe('http://127.0.0.1:5');
  });
});
