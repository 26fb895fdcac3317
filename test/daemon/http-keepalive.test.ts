// The daemon's HTTP server keeps a scraper's idle keep-alive connection for KEEP_ALIVE_MS (65 s), not Node's
// 5 s: with 5 s, a scrape sent while the daemon's event loop was busy for seconds (50,000 videos) was reset
// (ECONNRESET) when the idle timer fired before the request was read. Clients are told the window.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { KEEP_ALIVE_MS, startHttpServer, type HttpServer } from '../../src/daemon/http.js';

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function get(port: number, agent: http.Agent): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/metrics', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
  });
}

describe('daemon HTTP keep-alive', () => {
  it('an idle scrape connection is kept 65 s (told in Keep-Alive), and the next scrape reuses it', async () => {
    server = await startHttpServer(
      { host: '127.0.0.1', port: 0 },
      {
        liveness: () => ({ alive: true, details: {} }),
        readiness: () => ({ ready: true, checks: {}, details: {} }),
        metrics: async () => ({ contentType: 'text/plain', body: 'reelctl_queue_depth 0\n' }),
      },
      silentLogger(),
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets: unknown[] = [];
    agent.on('free', (s) => sockets.push(s));
    const first = await get(server.address.port, agent);
    expect(KEEP_ALIVE_MS).toBe(65_000);
    expect(first.headers['keep-alive']).toBe('timeout=65');
    expect(first.headers.connection).toBe('keep-alive');
    const second = await get(server.address.port, agent);
    expect(second.statusCode).toBe(200);
    expect(sockets[1]).toBe(sockets[0]); // one connection for both scrapes
    agent.destroy();
  });
});
