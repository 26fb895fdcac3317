// Downloads go only where renders come from. A result URL is text from an API answer: followed blindly, it
// could make reelctl GET a loopback admin endpoint, a service on the local network or a cloud metadata
// address, or stream forever. So: https only (plain http only to loopback, for the simulator and tests);
// every address a host name resolves to is checked, at connect time (the checked addresses are the ones
// connected to: no DNS rebinding between check and use); private, loopback and link-local addresses are
// refused unless the API itself lives at that kind of address (the simulator) or the host is allowed by
// --allow-download-host; redirects are followed by hand, each hop checked, at most MAX_REDIRECTS; the
// size is capped on Content-Length and on the bytes actually streamed.
import dns, { type LookupAddress } from 'node:dns';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Transform, type Readable } from 'node:stream';
import { ArtifactError, ReelctlError } from '../../errors.js';
import { addressKind, type AddressKind } from './address-kind.js';

const DEFAULT_MAX_DOWNLOAD_BYTES = 2 * 1024 ** 3; // a 15 s video is tens of MB: far above, never in the way
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

type LookupAll = (host: string, opts: { all: true; family?: number }, cb: (err: Error | null, addresses: LookupAddress[]) => void) => void;

export interface DownloadGuardOptions {
  /** The API base URL: the kinds of address it is at are allowed for downloads too (the simulator). */
  apiUrl: string;
  /** Host names (or IP literals) allowed whatever they resolve to (`--allow-download-host`). */
  allowHosts?: string[];
  maxBytes?: number;
  maxRedirects?: number;
  /** Socket idle timeout; default 60 s. */
  timeoutMs?: number;
  /** dns.lookup with `all: true` (tests resolve names without a DNS server). */
  lookup?: LookupAll;
}

export interface GuardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, failing with `download.too-large` past the cap. */
  body: Readable;
}

export interface DownloadGuard {
  get(url: string, o?: { headers?: Record<string, string>; signal?: AbortSignal }): Promise<GuardedResponse>;
}

const refused = (why: string) => new ArtifactError(`refusing to download: ${why}`, { code: 'download.refused' });
const tooLarge = (max: number, what: string) =>
  new ArtifactError(`refusing to download: ${what} exceeds the limit of ${max} bytes (REELCTL_MAX_DOWNLOAD_BYTES)`, { code: 'download.too-large' });

export function createDownloadGuard(o: DownloadGuardOptions): DownloadGuard {
  const resolve: LookupAll = o.lookup ?? ((host, opts, cb) => dns.lookup(host, opts, cb));
  const allowHosts = new Set((o.allowHosts ?? []).map(bareHost));
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const maxRedirects = o.maxRedirects ?? MAX_REDIRECTS;
  let apiKinds: Promise<Set<AddressKind>> | undefined;

  /** 'public', plus whatever kind of address the API is at (127.0.0.1 for the simulator). */
  function allowedKinds(): Promise<Set<AddressKind>> {
    apiKinds ??= (async () => {
      const kinds = new Set<AddressKind>(['public']);
      const host = bareHost(new URL(o.apiUrl).hostname);
      if (net.isIP(host)) return kinds.add(addressKind(host));
      const addrs = await new Promise<LookupAddress[]>((r) => resolve(host, { all: true }, (err, a) => r(err ? [] : a)));
      for (const a of addrs) kinds.add(addressKind(a.address));
      return kinds;
    })().catch(() => new Set<AddressKind>(['public']));
    return apiKinds;
  }

  /** Why `ip` may not be connected to for `u`, or undefined. */
  function verdict(u: URL, host: string, ip: string, kinds: Set<AddressKind>): string | undefined {
    const kind = addressKind(ip);
    if (!kinds.has(kind) && !allowHosts.has(host)) return `${host} is at ${ip}, a ${kind} address (add --allow-download-host ${host} if this host is yours)`;
    if (u.protocol === 'http:' && kind !== 'loopback') return `plain http: is only used for loopback addresses; ${host} is at ${ip} (use https)`;
    return undefined;
  }

  /** Checks the URL; returns the lookup that checks each resolved address as the socket connects. */
  async function check(u: URL): Promise<net.LookupFunction | undefined> {
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw refused(`only https: URLs are downloaded, not ${u.protocol}`);
    const host = bareHost(u.hostname);
    const kinds = await allowedKinds();
    if (net.isIP(host)) {
      const why = verdict(u, host, host, kinds);
      if (why) throw refused(why);
      return undefined;
    }
    return ((hostname: string, opts: { all?: boolean; family?: number }, cb: (...args: unknown[]) => void) => {
      resolve(hostname, { all: true, ...(opts.family ? { family: opts.family } : {}) }, (err, addrs) => {
        if (err) return cb(err);
        const why = addrs.map((a) => verdict(u, host, a.address, kinds)).find(Boolean);
        if (why || addrs.length === 0) return cb(refused(why ?? `${host} resolves to no address`));
        if (opts.all) return cb(null, addrs);
        cb(null, addrs[0]!.address, addrs[0]!.family);
      });
    }) as net.LookupFunction;
  }

  return {
    async get(url, ro = {}) {
      let u = parseUrl(url);
      for (let hop = 0; ; hop++) {
        const lookup = await check(u);
        const res = await send(u, ro.headers ?? {}, ro.signal, lookup, o.timeoutMs ?? 60_000);
        const status = res.statusCode ?? 0;
        if (REDIRECTS.has(status) && res.headers.location) {
          res.destroy(); // a redirect's body is never read: it could be endless too
          if (hop >= maxRedirects) throw refused(`more than ${maxRedirects} redirects`);
          u = parseUrl(res.headers.location, u);
          continue;
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.destroy();
          throw tooLarge(maxBytes, `the file (${declared} bytes by Content-Length)`);
        }
        return { status, headers: res.headers, body: capped(res, maxBytes) };
      }
    },
  };
}

function bareHost(h: string): string {
  return h.replace(/^\[|\]$/g, '').toLowerCase();
}

function parseUrl(s: string, base?: URL): URL {
  try {
    return new URL(s, base);
  } catch {
    throw refused('the result URL is not a valid URL');
  }
}

function send(
  u: URL,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
  lookup: net.LookupFunction | undefined,
  timeoutMs: number,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(u, { method: 'GET', headers, timeout: timeoutMs, ...(signal ? { signal } : {}), ...(lookup ? { lookup } : {}) });
    req.on('response', resolve);
    req.on('error', (err) =>
      reject(
        err instanceof ReelctlError || err.name === 'AbortError'
          ? err
          : new Error(`download request failed: ${(err as NodeJS.ErrnoException).code ?? err.message}`, { cause: err }),
      ),
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer for ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    req.end();
  });
}

/**
 * The body, cut off with `download.too-large` as soon as it streams past the cap. Wired by hand rather than
 * with stream.pipeline (whose per-call AbortController and end-of-stream watchers cost more than the copy of
 * a small file when hundreds finish together): an error on either side ends both, and the socket is closed
 * whenever the reader stops.
 */
function capped(res: IncomingMessage, maxBytes: number): Readable {
  let seen = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > maxBytes) return cb(tooLarge(maxBytes, 'the file'));
      cb(null, chunk);
    },
  });
  res.on('error', (err) => meter.destroy(err));
  res.on('close', () => {
    if (!res.complete) meter.destroy(Object.assign(new Error('the connection closed before the end of the body'), { code: 'ECONNRESET' }));
  });
  meter.on('close', () => res.destroy());
  return res.pipe(meter);
}

/** REELCTL_MAX_DOWNLOAD_BYTES: bytes, or with a K/M/G suffix (powers of 1024). */
export function parseMaxDownloadBytes(v: string | undefined): number {
  if (v === undefined || v.trim() === '') return DEFAULT_MAX_DOWNLOAD_BYTES;
  const m = /^(\d+)\s*([KMG]?)(?:i?B)?$/i.exec(v.trim());
  const n = m ? Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase()) : NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new ReelctlError(`REELCTL_MAX_DOWNLOAD_BYTES must be a number of bytes (e.g. 2147483648 or 2G), got "${v}"`, { code: 'config.max-download' });
  return n;
}
