// Parsing of the daemon's `--listen HOST:PORT` (durations are parsed with the other shared flags, cli/flags.ts).
// Pure functions; bad input is a UsageError (exit 1, one clear line).
import { UsageError } from '../errors.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export const DEFAULT_LISTEN = '127.0.0.1:9464';

/** `HOST:PORT`, `[::1]:PORT` or `:PORT` (loopback, never all interfaces by accident). Port 0 = any free port. */
export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`invalid --listen "${text}": expected HOST:PORT, e.g. 127.0.0.1:9464`);
  const host = m[1] ?? (m[2] || '127.0.0.1');
  return { host, port };
}

/** `http://host:port` for a bound address, bracketing IPv6 literals. */
export function formatAddress(a: ListenAddress): string {
  return `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}
