// Flag values shared by several commands, parsed in one place so that apply and run (and state) accept the
// same spellings and reject the same mistakes. Pure functions; bad input is a UsageError (exit 1, one line).
import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `30s`, `5m`, `1h`, `1h30m` (Go-style, as users know from kubectl/Flux) → milliseconds. */
export function parseDuration(text: string): number {
  const t = text.trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (t.length === 0 || matched !== t.length) {
    throw new UsageError(`invalid duration "${text}": expected e.g. 30s, 5m, 1h or 1h30m`);
  }
  return Math.round(total);
}

/** `--lock-timeout`: `0` (fail at once) or a duration such as 30s or 5m. */
export function parseLockTimeout(text: string): number {
  return text.trim() === '0' ? 0 : parseDuration(text);
}

/** `--concurrency`: renders in flight at once, 1 to 1000. */
export function parseConcurrency(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--concurrency must be a positive integer (at most 1000), got "${text}"`);
  return n;
}

/** `--max-cost`: USD, a finite non-negative number (an empty value is a mistake, not 0). */
export function parseMaxCost(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || text.trim() === '') throw new UsageError(`--max-cost must be a non-negative number (USD), got "${text}"`);
  return n;
}

/** `--supersede`: what to do with a render whose spec was edited mid-flight. */
export function parseSupersede(text: string): 'wait' | 'abandon' {
  if (text !== 'wait' && text !== 'abandon') throw new UsageError(`--supersede must be wait or abandon, got "${text}"`);
  return text;
}

/** `--allow-download-host`, shared by apply and run (repeatable). */
export const ALLOW_DOWNLOAD_HOST = [
  '--allow-download-host <host>',
  'download results from this host even when it is on a private, loopback or link-local address (repeatable)',
  (v: string, prev: string[]) => [...prev, v],
  [] as string[],
] as const;
