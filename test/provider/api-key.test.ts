import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { apiUrl, resolveApiKey } from '../../src/provider/runware/api-key.js';
import { scrub } from '../../src/log.js';
import { AimdRate } from '../../src/provider/client/rate.js';

const tmp = tempDirs();

describe('API key resolution', () => {
  const file = (content: string) => {
    const f = path.join(tmp('reelctl-key-'), 'key');
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
  it('refuses a key that cannot be a header value — a second line, a space, a control character — naming the variable, never printing the key', () => {
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [
        { RUNWARE_API_KEY_FILE: file('first-line-key-1\nsecond-line-key-2\n') },
        /RUNWARE_API_KEY_FILE \(.*\) contains a line break \(a second line\?\) at character 17/,
      ],
      [{ RUNWARE_API_KEY_FILE: file('crlf-key-abcdef\r\nmore\r\n') }, /RUNWARE_API_KEY_FILE .* contains a line break/],
      [{ RUNWARE_API_KEY: 'env-key\ntail-part' }, /RUNWARE_API_KEY contains a line break/],
      [{ RUNWARE_API_KEY: 'env key with spaces' }, /RUNWARE_API_KEY contains whitespace at character 4/],
      [{ RUNWARE_API_KEY: 'env-key\x1b[2J' }, /RUNWARE_API_KEY contains a control character at character 8/],
      [{ RUNWARE_API_KEY: 'env-key-é' }, /RUNWARE_API_KEY contains a non-ASCII character/],
    ];
    for (const [env, message] of cases) {
      let err: unknown;
      try {
        resolveApiKey(env);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: 'config.key-invalid', retryable: false, exitCode: 1 });
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toMatch(/first-line-key|second-line-key|env-key|tail-part|with spaces/);
    }
  });
  it('a key file with one trailing newline (or CRLF) is fine: the newline is trimmed', () => {
    expect(resolveApiKey({ RUNWARE_API_KEY_FILE: file('one-line-key-abc\n') })).toBe('one-line-key-abc');
    expect(resolveApiKey({ RUNWARE_API_KEY_FILE: file('one-line-key-crlf\r\n') })).toBe('one-line-key-crlf');
    expect(resolveApiKey({ RUNWARE_API_KEY: 'rw-"quo\\te' })).toBe('rw-"quo\\te'); // quotes and backslashes are visible ASCII
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
