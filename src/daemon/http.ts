// The daemon's HTTP endpoints: /healthz (alive), /readyz (ready to reconcile), /metrics (Prometheus).
// Loopback by default; GET only; no secrets in any answer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { scrub } from '../log.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, boolean | string>;
}

export async function startHttp(listen: string, registry: Registry, readiness: () => Readiness): Promise<{ server: Server; address: string; close(): Promise<void> }> {
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m) throw new Error(`--listen must be HOST:PORT, got "${listen}"`);
  const host = m[1]!.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(scrub(JSON.stringify(body)));
    };
    if (req.method !== 'GET') return json(405, { error: 'method not allowed' });
    if (url.pathname === '/healthz') return json(200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      const r = readiness();
      return json(r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', checks: r.checks });
    }
    if (url.pathname === '/metrics')
      return void registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(scrub(text));
        },
        () => json(500, { error: 'metrics failed' }),
      );
    json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(m[2]), host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    server,
    address: `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
