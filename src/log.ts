// Structured logging (pino) with value-based secret redaction: any registered secret (the API key)
// is replaced by "[REDACTED]" in every log line, whatever field or message it hides in.
import { pino, type Logger } from 'pino';

export type { Logger };
export type LogFormat = 'text' | 'json';

const secrets = new Set<string>();

/** Registers a value that must never be printed (min 4 chars to avoid redacting noise). */
export function registerSecret(value: string): void {
  if (value.length >= 4) secrets.add(value);
}

/** Replaces every registered secret in `text`. */
export function scrub(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

export interface LoggerOptions {
  format?: LogFormat;
  level?: string;
  /** Where lines go; default stderr so stdout stays clean for --json output. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const dest = opts.destination ?? process.stderr;
  const stream = {
    write(line: string) {
      const clean = scrub(line);
      if (opts.format === 'json') return dest.write(clean);
      return dest.write(toText(clean));
    },
  };
  return pino({ level: opts.level ?? process.env.REELCTL_LOG_LEVEL ?? 'info', base: undefined }, stream);
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

function toText(line: string): string {
  try {
    const { level, time, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const lvl = typeof level === 'number' ? (LEVELS[level] ?? String(level)) : String(level);
    const extras = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${new Date(Number(time)).toISOString()} ${lvl.toUpperCase().padEnd(5)} ${String(msg ?? '')}${extras ? ' ' + extras : ''}\n`;
  } catch {
    return line;
  }
}

/** A logger that discards everything (tests, benches). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
