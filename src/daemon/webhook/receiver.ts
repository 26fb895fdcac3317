// The webhook receiver: `POST /hooks/runware/<video name>?token=<secret>` on a listener of its own (never
// the metrics port: that one may be scraped from anywhere, this one faces the internet through an ingress).
// A call is authenticated, then treated as a HINT: it only wakes the video, whose next step asks
// getResponse. Nothing in the body is ever used but the taskUUID, so a forged videoURL or cost cannot
// become an output or a cost; a repeated or late call finds the attempt settled and changes nothing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReelctlError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { formatAddress, type ListenAddress } from '../options.js';

/** What a hint did: woke a running render, found it settled already, or knew no such task. */
export type HintResult = 'woken' | 'duplicate' | 'unknown' | 'unavailable';
type WebhookResult = HintResult | 'unauthorized' | 'too_large' | 'invalid' | 'not_found';

export interface WebhookTarget {
  hint(id: string, taskUUID: string): HintResult;
}

export interface ReceiverOptions {
  listen: ListenAddress;
  check: (token: string | null) => 'current' | 'previous' | undefined;
  /** Undefined until the state is loaded: calls get 503 meanwhile, and Runware retries them. */
  target: () => WebhookTarget | undefined;
  logger: Logger;
  maxBodyBytes?: number;
}

export interface WebhookReceiver {
  address: ListenAddress;
  /** Calls by result since start (reelctl_webhooks_received_total). */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

/** A finished video task is well under 2 KiB; anything far bigger is not Runware. */
const MAX_WEBHOOK_BODY = 64 * 1024;
export const HOOK_PATH = '/hooks/runware/';

const HTTP_STATUS: Record<WebhookResult, number> = {
  woken: 202,
  duplicate: 200,
  unknown: 200,
  unavailable: 503,
  unauthorized: 401,
  too_large: 413,
  invalid: 400,
  not_found: 404,
};

export async function startWebhookReceiver(o: ReceiverOptions): Promise<WebhookReceiver> {
  const cap = o.maxBodyBytes ?? MAX_WEBHOOK_BODY;
  const counts: Record<string, number> = {};

  const server = http.createServer((req, res) => {
    const answer = (result: WebhookResult, close = false) => {
      counts[result] = (counts[result] ?? 0) + 1;
      if (res.headersSent) return;
      const body = JSON.stringify({ result });
      // Unread request bodies (401, 413) are not drained: the connection is closed instead.
      res.writeHead(HTTP_STATUS[result], {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...(close ? { connection: 'close' } : {}),
      });
      res.end(body);
    };
    const url = new URL(req.url ?? '/', 'http://receiver');
    let id: string | undefined;
    try {
      id = url.pathname.startsWith(HOOK_PATH) ? decodeURIComponent(url.pathname.slice(HOOK_PATH.length)) : undefined;
    } catch {
      id = undefined;
    }
    if (!id || id.includes('/')) return answer('not_found', true);
    const via = o.check(url.searchParams.get('token'));
    if (!via) return answer('unauthorized', true);
    if (req.method !== 'POST') return answer('invalid', true);
    if (Number(req.headers['content-length'] ?? 0) > cap) return answer('too_large', true);
    readCapped(req, cap).then(
      (text) => {
        if (text === undefined) return answer('too_large', true);
        const uuids = taskUUIDs(text);
        if (!uuids) return answer('invalid');
        const target = o.target();
        if (!target) return answer('unavailable');
        const results = uuids.map((u) => target.hint(id, u));
        const result = (['unavailable', 'woken', 'duplicate'] as const).find((r) => results.includes(r)) ?? 'unknown';
        if (result === 'woken' || via === 'previous')
          o.logger.info({ video: id, taskUUID: uuids[0], result, token: via }, `webhook: ${result === 'woken' ? 'woke' : result} ${id}`);
        else o.logger.debug({ video: id, taskUUID: uuids[0], result }, `webhook: ${result}`);
        answer(result);
      },
      () => answer('invalid', true),
    );
  });
  // A slow or stuck client must not hold sockets: these calls are small and quick.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(
        new ReelctlError(
          `cannot listen on --webhook-listen ${formatAddress(o.listen).slice(7)}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`,
          { code: 'daemon.webhook-listen', cause: err },
        ),
      );
    server.once('error', onError);
    server.listen(o.listen.port, o.listen.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  const address = { host: a.address, port: a.port };
  o.logger.info({ address: formatAddress(address) }, `webhook receiver on ${formatAddress(address)}${HOOK_PATH}<video>`);
  return {
    address,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The body as text, or undefined as soon as it passes `cap` (reading stops there). */
function readCapped(req: http.IncomingMessage, cap: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > cap) {
        req.pause();
        req.removeAllListeners('data');
        return resolve(undefined);
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The task UUIDs a call names. Runware posts the flat task object; `{data: [...]}` and arrays are accepted
 * too (cheap, and a proxy may wrap). Undefined when the body is not JSON or names no valid UUID.
 */
export function taskUUIDs(text: string): string[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const data =
    body && typeof body === 'object' && !Array.isArray(body) && Array.isArray((body as { data?: unknown }).data) ? (body as { data: unknown[] }).data : body;
  const items = Array.isArray(data) ? data : [data];
  const out = new Set<string>();
  for (const i of items.slice(0, 16)) {
    const u = i && typeof i === 'object' ? (i as { taskUUID?: unknown }).taskUUID : undefined;
    if (typeof u === 'string' && UUID.test(u)) out.add(u.toLowerCase());
  }
  return out.size > 0 ? [...out] : undefined;
}
