// Structured logging (pino) with value-based secret redaction: any registered secret (the API key)
// is replaced by "[REDACTED]" in every log line, whatever field or message it hides in. Redaction works
// on the decoded values, not the JSON text (a key holding `"` or `\` is escaped there and would slip
// through), and every line leaves terminal-safe (src/text/escape.ts).
import { pino, type Logger } from 'pino';
import { escapeControls, toSafeJson } from './text/escape.js';

export type { Logger };
export type LogFormat = 'text' | 'json';

export { printable, registerSecret, scrub, scrubDeep } from './text/secrets.js';
import { printable, scrubDeep } from './text/secrets.js';

export interface LoggerOptions {
  format?: LogFormat;
  /** pino level; the CLI passes REELCTL_LOG_LEVEL. Default info. */
  level?: string;
  /** Where lines go; default stderr so stdout stays clean for --json output. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const dest = opts.destination ?? process.stderr;
  const stream = {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = scrubDeep(JSON.parse(line) as Record<string, unknown>);
      } catch {
        return dest.write(printable(line.trimEnd()) + '\n'); // not pino's JSON: still redacted and inert
      }
      return dest.write(opts.format === 'json' ? toSafeJson(record) + '\n' : toText(record));
    },
  };
  return pino({ level: opts.level ?? 'info', base: undefined }, stream);
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

function toText(record: Record<string, unknown>): string {
  const { level, time, msg, ...rest } = record;
  const lvl = typeof level === 'number' ? (LEVELS[level] ?? String(level)) : String(level);
  const extras = Object.entries(rest)
    .map(([k, v]) => `${escapeControls(k)}=${typeof v === 'string' ? escapeControls(v) : toSafeJson(v)}`)
    .join(' ');
  return `${new Date(Number(time)).toISOString()} ${lvl.toUpperCase().padEnd(5)} ${escapeControls(String(msg ?? ''))}${extras ? ' ' + extras : ''}\n`;
}

/** A logger that discards everything (tests, benches). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
