// Terminal-safe output (issue 17 item 9) and redaction of secrets whatever their spelling (item 6).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, printable, registerSecret, scrubDeep } from '../../src/log.js';
import { escapeControls, mapStrings, toSafeJson } from '../../src/text/escape.js';

const ESC = '\x1b';
/** Every control character a terminal could act on: C0, DEL, C1 (0x9b = 8-bit CSI), bidi overrides. */
const NASTY = `a${ESC}[2Jb\x07c\x9b31md\u202ee\nf\rg\x7fh`;
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function capture(format: 'text' | 'json') {
  let text = '';
  const destination = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }) as unknown as NodeJS.WritableStream;
  return { log: createLogger({ format, destination, level: 'info' }), text: () => text };
}

describe('escapeControls', () => {
  it('shows control characters as escapes and leaves ordinary text (accents, emoji) alone', () => {
    expect(escapeControls(`x${ESC}[31my`)).toBe('x\\x1b[31my');
    expect(escapeControls('line\nnext\ttab\r')).toBe('line\\nnext\\ttab\\r');
    expect(escapeControls('\x9b\x7f\u202e')).toBe('\\x9b\\x7f\\u202e');
    expect(escapeControls('café 🎬 — ok')).toBe('café 🎬 — ok');
    expect(RAW.test(escapeControls(NASTY))).toBe(false);
  });

  it('toSafeJson is the same JSON value with nothing raw a terminal would act on', () => {
    const v = { k: NASTY, [`key${ESC}`]: ['\x9b'] };
    const s = toSafeJson(v);
    expect(RAW.test(s)).toBe(false);
    expect(JSON.parse(s)).toEqual(v);
    expect(JSON.parse(toSafeJson(v, 2))).toEqual(v); // pretty-printed JSON keeps its newlines
  });
});

describe('log lines', () => {
  it.each(['text', 'json'] as const)('%s format: control characters from messages and fields are escaped', (format) => {
    const c = capture(format);
    c.log.warn({ video: 'v', message: NASTY, [`field${ESC}`]: 1, nested: { m: NASTY } }, `failed: ${NASTY}`);
    expect(c.text()).not.toMatch(RAW);
    expect(c.text()).toContain(format === 'text' ? 'a\\x1b[2Jb' : 'a\\u001b[2Jb');
    expect(c.text().trimEnd().split('\n')).toHaveLength(1); // an API message cannot forge a second log line
  });

  it.each(['text', 'json'] as const)('%s format: a key holding " and \\ is redacted (it is escaped inside the JSON line)', (format) => {
    const key = 'rw-"quo\\te-5b2d4e6f8a0b';
    registerSecret(key);
    const c = capture(format);
    c.log.error({ err: `HTTP 500: invalid key ${key}`, [key]: key }, `echo ${key}`);
    expect(c.text()).not.toContain(key);
    expect(c.text()).not.toContain(JSON.stringify(key).slice(1, -1));
    expect(c.text()).toContain('[REDACTED]');
  });

  it('scrubDeep redacts secrets in every string and key of an API answer; printable also escapes', () => {
    registerSecret('sk-deep-1234567');
    expect(scrubDeep({ errors: [{ message: 'bad key sk-deep-1234567', n: 1 }], 'sk-deep-1234567': true })).toEqual({
      errors: [{ message: 'bad key [REDACTED]', n: 1 }],
      '[REDACTED]': true,
    });
    expect(printable(`sk-deep-1234567${ESC}`)).toBe('[REDACTED]\\x1b');
  });
});

describe('mapStrings', () => {
  it('applies to every string, keys included, and leaves other values as they are (status -o yaml, scrubDeep)', () => {
    const v = { 'k\u001b': ['a\u009b', 1, null, { n: true, s: 'x\u202e' }] };
    expect(mapStrings(v, escapeControls)).toEqual({ 'k\\x1b': ['a\\x9b', 1, null, { n: true, s: 'x\\u202e' }] });
  });
});
