// Parsing of the daemon's flag values: `--resync DURATION` and `--listen HOST:PORT`.
// Pure functions; bad input is a UsageError (exit 1, one clear line).
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
