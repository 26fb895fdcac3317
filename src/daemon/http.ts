// The daemon's HTTP surface: GET /healthz (liveness), /readyz (readiness with a JSON reason),
// /metrics (Prometheus text). Nothing else: 404 for other paths, 405 for other methods.
// Every body is scrubbed of registered secrets, belt and braces: none should ever be there.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReelctlError } from '../errors.js';
import { scrub, type Logger } from '../log.js';
import type { ListenAddress } from './options.js';

export interface Readiness {
  ready: boolean;
  /** Why not ready (first failing check), absent when ready. */
  reason?: string;
  checks: Record<string, boolean>;
  details: Record<string, unknown>;
}

export interface HttpHandlers {
  liveness(): { alive: boolean; details: Record<string, unknown> };
  readiness(): Readiness;
  metrics(): Promise<{ contentType: string; body: string }>;
}

export interface HttpServer {
  /** The bound address (the real port when 0 was asked). */
  address: ListenAddress;
  close(): Promise<void>;
}

/**
 * How long an idle keep-alive connection (a scraper's) stays open. Node's default, 5 s, reset scrapes with
 * ECONNRESET while the daemon was busy (measured at 50,000 videos): a request sent on an idle connection sat
 * unread while the event loop was held for seconds, and when the loop ran again the idle timer fired first and
 * destroyed the socket with the request in it. Longer than a Prometheus scrape interval (15–60 s), so a
 * connection in use is never idle that long; clients are told (`Keep-Alive: timeout=65`).
 */
export const KEEP_ALIVE_MS = 65_000;

export async function startHttpServer(listen: ListenAddress, h: HttpHandlers, logger: Logger): Promise<HttpServer> {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'http handler failed');
      send(res, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
    });
  });

  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000; // Node wants it above keepAliveTimeout

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const pathname = (req.url ?? '/').split('?')[0];
    const known = pathname === '/healthz' || pathname === '/readyz' || pathname === '/metrics';
    if (!known) return send(res, 404, 'application/json', JSON.stringify({ error: 'not found' }));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'application/json', JSON.stringify({ error: 'method not allowed' }));
    }
    if (pathname === '/healthz') {
      const l = h.liveness();
      return send(res, l.alive ? 200 : 503, 'application/json', JSON.stringify({ status: l.alive ? 'ok' : 'dead', ...l.details }));
    }
    if (pathname === '/readyz') {
      const r = h.readiness();
      const body = { status: r.ready ? 'ready' : 'not ready', ...(r.reason ? { reason: r.reason } : {}), checks: r.checks, ...r.details };
      return send(res, r.ready ? 200 : 503, 'application/json', JSON.stringify(body));
    }
    const m = await h.metrics();
    return send(res, 200, m.contentType, m.body);
  }

  function send(res: http.ServerResponse, status: number, type: string, body: string): void {
    if (res.headersSent) return void res.end();
    const clean = scrub(body);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(clean), 'cache-control': 'no-store' });
    res.end(res.req.method === 'HEAD' ? undefined : clean);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(listen, err)));
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  return {
    address: { host: a.address, port: a.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive scrapers must not hold shutdown open
      }),
  };
}

function listenError(a: ListenAddress, err: NodeJS.ErrnoException): ReelctlError {
  const where = `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
  const why =
    err.code === 'EADDRINUSE'
      ? 'address already in use (another reelctl run? pick one with --listen HOST:PORT, or port 0 for any)'
      : err.code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges)'
        : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
          ? 'no such local address'
          : err.message;
  return new ReelctlError(`cannot listen on ${where}: ${why}`, { code: 'daemon.listen', cause: err });
}
