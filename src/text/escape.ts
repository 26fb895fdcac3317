// Terminal-safe text: the one place where untrusted text (manifest keys and paths, API messages) is made
// harmless before it reaches a terminal or a CI log. An ESC in a manifest must not clear a reviewer's
// screen, recolour a line or forge a new one, so control characters are shown as escapes (`\x1b`).
// Applied at the output edge: error reports, command views and every log line.

/**
 * C0 controls and DEL, C1 controls (0x9b is an 8-bit CSI on some terminals), line/paragraph separators
 * and the bidirectional overrides and isolates ("Trojan Source": text that displays in another order).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** What can only appear inside strings of JSON.stringify's output (it escapes C0 itself; formatting uses \n). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `s` with every control character written as an escape (`\x1b`, `\n`, `\u202e`): one line, inert. */
export function escapeControls(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

/**
 * JSON for output: JSON.stringify escapes C0 controls but leaves DEL, C1 controls and the bidi marks raw.
 * This writes those as `\uXXXX` too: the same JSON value, nothing a terminal would act on.
 */
export function toSafeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `value` with `fn` applied to every string in it, keys included (parsed JSON: objects, arrays, scalars). */
export function mapStrings<T>(value: T, fn: (s: string) => string): T {
  if (typeof value === 'string') return fn(value) as T;
  if (Array.isArray(value)) return value.map((x: unknown) => mapStrings(x, fn)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, x]) => [fn(k), mapStrings(x, fn)])) as T;
  return value;
}
