import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiUrl, resolveApiKey } from '../../src/provider/runware/api-key.js';
import { scrub } from '../../src/log.js';
import { AimdRate } from '../../src/provider/client/rate.js';

describe('API key resolution', () => {
  const file = (content: string) => {
    const f = path.join(mkdtempSync(path.join(tmpdir(), 'reelctl-key-')), 'key');
    writeFileSync(f, content);
    return f;
  };
  it('reads RUNWARE_API_KEY_FILE (trimmed) before RUNWARE_API_KEY, and registers it as a secret', () => {
    expect(resolveApiKey({ RUNWARE_API_KEY_FILE: file('  file-key-abcdef\n'), RUNWARE_API_KEY: 'env-key' })).toBe('file-key-abcdef');
    expect(scrub('x file-key-abcdef y')).toBe('x [REDACTED] y');
    expect(resolveApiKey({ RUNWARE_API_KEY: ' env-key-123456 ' })).toBe('env-key-123456');
    expect(resolveApiKey({})).toBeUndefined();
  });
  it('an empty key or file is an error, a missing file names the variable', () => {
    expect(() => resolveApiKey({ RUNWARE_API_KEY: '   ' })).toThrow(/RUNWARE_API_KEY is set but empty/);
    expect(() => resolveApiKey({ RUNWARE_API_KEY_FILE: file('\n') })).toThrow(/is empty/);
    expect(() => resolveApiKey({ RUNWARE_API_KEY_FILE: '/nonexistent/key' })).toThrow(/cannot read RUNWARE_API_KEY_FILE/);
  });
  it('takes the base URL from RUNWARE_API_URL, defaulting to Runware', () => {
    expect(apiUrl({})).toBe('https://api.runware.ai/v1');
    expect(apiUrl({ RUNWARE_API_URL: 'http://127.0.0.1:1/v1' })).toBe('http://127.0.0.1:1/v1');
  });
});

describe('submit pacing (AIMD token bucket)', () => {
  it('lets a burst through, then paces at the rate, halves on 429 and recovers', () => {
    const r = new AimdRate(2, 3);
    expect([r.reserve(0), r.reserve(0), r.reserve(0)]).toEqual([0, 0, 0]);
    expect(r.reserve(0)).toBe(500);
    r.throttled();
    expect(r.current).toBe(1);
    r.success();
    expect(r.current).toBeCloseTo(1.2);
  });
});
