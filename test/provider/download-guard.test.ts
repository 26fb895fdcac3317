// Downloads only from where renders come from (issue 17 item 4): the guard in front of every result URL.
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressKind } from '../../src/provider/runware/address-kind.js';
import { createDownloadGuard, parseMaxDownloadBytes, type DownloadGuardOptions } from '../../src/provider/runware/download-guard.js';

const PUBLIC_API = 'https://api.runware.ai/v1';
/** A resolver without DNS: names map to fixed addresses; anything else is "not found". */
const names: Record<string, string[]> = {
  'api.runware.ai': ['93.184.216.34'],
  localhost: ['127.0.0.1'],
  'cdn.example': ['93.184.216.34', '10.0.0.7'],
  'public.example': ['93.184.216.34'],
};
const lookup: DownloadGuardOptions['lookup'] = (host, _o, cb) => {
  const a = names[host];
  if (!a) return cb(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
  cb(
    null,
    a.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
  );
};

let server: Server;
let port = 0;
const hits = new Map<string, number>();
let endlessSocket: Socket | undefined;
beforeAll(async () => {
  server = createServer((req, res) => {
    const p = req.url ?? '';
    hits.set(p, (hits.get(p) ?? 0) + 1);
    if (p === '/ok') return res.writeHead(200, { 'content-length': '100', 'content-type': 'video/mp4' }).end(Buffer.alloc(100, 1));
    if (p === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    if (p === '/to-ok') return res.writeHead(307, { location: `http://127.0.0.1:${port}/ok` }).end();
    if (p === '/to-link-local') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (p === '/to-file') return res.writeHead(301, { location: 'file:///etc/passwd' }).end();
    if (p === '/big-declared') return res.writeHead(200, { 'content-length': '5000' }).end(Buffer.alloc(5000));
    if (p === '/cut') {
      res.writeHead(200, { 'content-length': '5000' });
      res.write(Buffer.alloc(1000, 2));
      return void setImmediate(() => res.socket?.destroy()); // the connection drops mid-body
    }
    if (p === '/endless') {
      endlessSocket = req.socket;
      res.writeHead(200);
      const more = () => (res.destroyed ? undefined : res.write(Buffer.alloc(1000, 3), () => setImmediate(more)));
      return void more();
    }
    if (p === '/big-chunked') {
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000, i));
      return res.end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function read(body: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of body) n += c.length;
  return n;
}

describe('address kinds', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00::1', 'private'],
    ['ff02::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['not-an-ip', 'reserved'],
  ])('%s is %s', (ip, kind) => expect(addressKind(ip)).toBe(kind));
});

describe('download guard', () => {
  const refused = { code: 'download.refused', retryable: false };

  it('with the API on the internet: no request to loopback, private or link-local addresses, by literal or by name (every address checked)', async () => {
    const g = createDownloadGuard({ apiUrl: PUBLIC_API, lookup });
    await expect(g.get(`http://127.0.0.1:${port}/ok`)).rejects.toMatchObject(refused);
    await expect(g.get(`https://127.0.0.1:${port}/ok`)).rejects.toMatchObject(refused);
    await expect(g.get(`https://[::ffff:127.0.0.1]:${port}/ok`)).rejects.toMatchObject(refused);
    await expect(g.get(`https://[::1]:${port}/ok`)).rejects.toMatchObject(refused);
    await expect(g.get('https://169.254.169.254/latest/meta-data/')).rejects.toMatchObject(refused);
    await expect(g.get(`https://localhost:${port}/ok`)).rejects.toThrow(/localhost is at 127\.0\.0\.1, a loopback address/);
    await expect(g.get('https://cdn.example/v.mp4')).rejects.toThrow(/cdn\.example is at 10\.0\.0\.7, a private address/);
    expect(hits.get('/ok')).toBeUndefined(); // nothing reached the local server
  });

  it('only https: (plain http only to loopback), never file: or other schemes', async () => {
    const g = createDownloadGuard({ apiUrl: PUBLIC_API, lookup });
    await expect(g.get('http://public.example/v.mp4')).rejects.toThrow(/plain http: is only used for loopback/);
    await expect(g.get('file:///etc/passwd')).rejects.toThrow(/only https: URLs/);
    await expect(g.get('not a url')).rejects.toMatchObject(refused);
  });

  it('--allow-download-host lets a named host through whatever it resolves to', async () => {
    const g = createDownloadGuard({ apiUrl: PUBLIC_API, lookup, allowHosts: ['LocalHost'] });
    const r = await g.get(`http://localhost:${port}/ok`);
    expect(r.status).toBe(200);
    expect(await read(r.body)).toBe(100);
  });

  it('with the API on loopback (the simulator): loopback downloads work, redirects are checked hop by hop and capped', async () => {
    const g = createDownloadGuard({ apiUrl: `http://127.0.0.1:${port}/v1`, lookup });
    const ok = await g.get(`http://127.0.0.1:${port}/to-ok`);
    expect([ok.status, await read(ok.body)]).toEqual([200, 100]);
    await expect(g.get(`http://127.0.0.1:${port}/to-link-local`)).rejects.toThrow(/169\.254\.169\.254 is at 169\.254\.169\.254, a link-local address/);
    await expect(g.get(`http://127.0.0.1:${port}/to-file`)).rejects.toThrow(/only https: URLs/);
    await expect(g.get(`http://127.0.0.1:${port}/loop`)).rejects.toThrow(/more than 5 redirects/);
    expect(hits.get('/loop')).toBe(6); // the first request and five redirects, no more
  });

  it('caps the size: on Content-Length before reading, and on the bytes streamed', async () => {
    const g = createDownloadGuard({ apiUrl: `http://127.0.0.1:${port}/v1`, lookup, maxBytes: 4096 });
    await expect(g.get(`http://127.0.0.1:${port}/big-declared`)).rejects.toMatchObject({ code: 'download.too-large' });
    const r = await g.get(`http://127.0.0.1:${port}/big-chunked`);
    await expect(read(r.body)).rejects.toMatchObject({ code: 'download.too-large' });
  });

  it('a body cut off mid-stream fails its reader (never an endless wait); a reader that stops closes the connection', async () => {
    const g = createDownloadGuard({ apiUrl: `http://127.0.0.1:${port}/v1`, lookup });
    const cut = await g.get(`http://127.0.0.1:${port}/cut`);
    await expect(read(cut.body)).rejects.toThrow();
    const endless = await g.get(`http://127.0.0.1:${port}/endless`);
    let n = 0;
    for await (const c of endless.body) if ((n += c.length) >= 3000) break; // the reader gives up
    const closed = await new Promise<boolean>((resolve) => {
      const check = () => (endlessSocket?.destroyed ? resolve(true) : setImmediate(check));
      check();
    });
    expect(closed).toBe(true); // the server saw its connection go: no socket left streaming to nobody
  });

  it('REELCTL_MAX_DOWNLOAD_BYTES takes bytes or K/M/G; anything else is refused at start', () => {
    expect(parseMaxDownloadBytes(undefined)).toBe(2 * 1024 ** 3);
    expect(parseMaxDownloadBytes('1048576')).toBe(1048576);
    expect(parseMaxDownloadBytes('500M')).toBe(500 * 1024 ** 2);
    expect(parseMaxDownloadBytes('3GiB')).toBe(3 * 1024 ** 3);
    expect(() => parseMaxDownloadBytes('-1')).toThrow(/REELCTL_MAX_DOWNLOAD_BYTES/);
    expect(() => parseMaxDownloadBytes('lots')).toThrow(/REELCTL_MAX_DOWNLOAD_BYTES/);
  });
});
