// A Runware-compatible HTTP server on 127.0.0.1: the same wire protocol (task arrays, Bearer auth,
// {data, errors}) written by its own code (sim/wire.ts, never the client's), the async video lifecycle,
// real playable files that follow the request, fault injection, and switchable protocol variants.
// Used by `reelctl sim`, by `--simulate`, and by every test — no test needs a key or the internet.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { prng } from './prng.js';
import { SimEngine } from './engine.js';
import { pickApiFault, pickDownloadFault, type SimFaults } from './faults.js';
import { clipFor, videoBody } from './video-files.js';
import type { SimVariant } from './variants.js';
import { createWebhookSender, type WebhookSenderStats } from './webhook-sender.js';
import { SimAnswer } from './wire.js';

export interface SimOptions {
  port?: number;
  host?: string;
  /** Accepted key; default: a random one (given back in the handle). */
  apiKey?: string;
  latency?: { minMs: number; maxMs: number };
  urlTtlMs?: number;
  /** Pad served files to this many bytes (benchmarks of large downloads). */
  videoBytes?: number;
  faults?: SimFaults;
  /** Protocol variants switched on (sim/variants.ts). */
  variants?: SimVariant[];
  seed?: number;
  now?: () => number;
}

interface SimStats {
  requests: number;
  byTaskType: Record<string, number>;
  byStatus: Record<string, number>;
  accepted: number;
  conflicts: number;
  dryRuns: number;
  downloads: number;
  faultsInjected: number;
}

export interface SimHandle {
  url: string;
  origin: string;
  apiKey: string;
  stats(): SimStats;
  /** Every task accepted (and so billed); `fails` says whether its render fails. */
  tasks(): SimTaskInfo[];
  setFaults(f: SimFaults): void;
  /** Calls made to tasks' webhookURL (webhook-sender.ts). */
  webhooks(): WebhookSenderStats;
  setVariants(v: SimVariant[]): void;
  close(): Promise<void>;
}

interface SimTaskInfo {
  taskUUID: string;
  request: Record<string, unknown>;
  acceptedAt: number;
  /** When the render ends (acceptance + a latency drawn from `latency`). */
  readyAt: number;
  fails: boolean;
}

export async function startSimulator(opts: SimOptions = {}): Promise<SimHandle> {
  const apiKey = opts.apiKey ?? `sim-${randomUUID()}`;
  const random = prng(opts.seed ?? 1);
  const now = opts.now ?? Date.now;
  let faults: SimFaults = { ...(opts.faults ?? {}) };
  let variants = new Set<SimVariant>(opts.variants ?? []);
  const engine = new SimEngine({
    latency: opts.latency ?? { minMs: 1000, maxMs: 3000 },
    ...(opts.urlTtlMs ? { urlTtlMs: opts.urlTtlMs } : {}),
    now,
    random,
    generationFailureRate: faults.generationFailureRate ?? 0,
  });
  const stats: SimStats = { requests: 0, byTaskType: {}, byStatus: {}, accepted: 0, conflicts: 0, dryRuns: 0, downloads: 0, faultsInjected: 0 };
  let origin = '';
  const taskInfo = (): SimTaskInfo[] =>
    [...engine.tasks.values()].map((t) => ({ taskUUID: t.taskUUID, request: t.request, acceptedAt: t.acceptedAt, readyAt: t.readyAt, fails: t.fails }));
  // A webhook carries what getResponse would answer, written the way the variants write it.
  const webhookResult = (u: string) => {
    const a = new SimAnswer(variants);
    a.poll(u, engine.poll(u), origin);
    return { data: a.data, ...(a.errors[0] ? { error: a.errors[0] } : {}) };
  };
  const webhooks = createWebhookSender({ task: (u) => engine.tasks.get(u), result: webhookResult, now });

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function api(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    const text = await readBody(req);
    const fault = pickApiFault(faults, random);
    if (fault !== 'ok') stats.faultsInjected++;
    if (fault === 'drop-before') return void req.socket.destroy();
    if (fault === '429')
      return send(
        res,
        429,
        { errors: [{ code: 'tooManyRequests', message: 'Too many requests' }] },
        faults.retryAfterSec !== undefined ? { 'retry-after': String(faults.retryAfterSec) } : {},
      );
    if (fault === '408') return send(res, 408, { errors: [{ code: 'timeoutProvider', message: 'Request timeout' }] });
    if (fault === '500' || fault === '503' || fault === '504')
      return send(res, Number(fault), { errors: [{ code: 'serverError', message: 'Service unavailable' }] });
    const auth = req.headers.authorization ?? '';
    let tasks: Record<string, unknown>[];
    try {
      const parsed = JSON.parse(text) as unknown;
      tasks = (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[];
    } catch {
      return send(res, 400, { errors: [{ code: 'invalidJSON', message: 'request body is not valid JSON' }] });
    }
    const authTask = tasks[0]?.taskType === 'authentication' ? tasks.shift() : undefined;
    const key = authTask ? String(authTask.apiKey ?? '') : auth.replace(/^Bearer\s+/i, '');
    if (key !== apiKey) return send(res, 401, { errors: [{ code: 'invalidApiKey', message: 'Invalid API key. Get one at my.runware.ai' }] });
    const dryRun = req.headers['x-runware-dry-run'] === '1' && !variants.has('dry-run-ignored');
    const answer = new SimAnswer(variants);
    const polls = tasks.filter((t) => t.taskType === 'getResponse');
    if (polls.length > 1 && variants.has('poll-batch-refused')) {
      stats.byTaskType.getResponse = (stats.byTaskType.getResponse ?? 0) + polls.length;
      return send(res, 400, { errors: [{ code: 'invalidRequest', message: 'send one getResponse task per request' }] });
    }
    let pollsAnswered = 0;
    for (const t of tasks) {
      const type = String(t.taskType ?? '');
      stats.byTaskType[type] = (stats.byTaskType[type] ?? 0) + 1;
      if (type === 'videoInference') {
        const r = engine.submit(t, dryRun);
        if (dryRun) stats.dryRuns++;
        else if (r.data) stats.accepted++;
        if (r.error?.code === 'conflictTaskUUID') stats.conflicts++;
        if (r.data) answer.data.push(r.data);
        if (r.error) answer.submitError(r.error);
        if (r.data && !dryRun) webhooks.accepted(String(r.data.taskUUID));
      } else if (type === 'getResponse') {
        if (pollsAnswered++ > 0 && variants.has('poll-first-only')) continue;
        const uuid = String(t.taskUUID ?? '');
        answer.poll(uuid, engine.poll(uuid), origin);
      } else
        answer.errors.push({
          code: 'invalidTaskType',
          message: `unsupported taskType "${type}"`,
          parameter: 'taskType',
          ...(typeof t.taskUUID === 'string' ? { taskUUID: t.taskUUID } : {}),
        });
    }
    if (fault === 'drop-after-accept') return void req.socket.destroy();
    if (fault === 'slow') await new Promise((r) => setTimeout(r, faults.slowMs ?? 5000));
    if (fault === 'malformed') {
      stats.byStatus[200] = (stats.byStatus[200] ?? 0) + 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end('{"data": [ {"taskUUID": ');
    }
    const { status, json } = answer.body();
    send(res, status, json);
  }

  async function download(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    stats.downloads++;
    const m = /^\/_sim\/videos\/([0-9a-f-]+)\.(mp4|webm|mov)$/.exec(url.pathname);
    const video = m ? engine.videos.get(m[1]!) : undefined;
    const fault = pickDownloadFault(faults, random);
    if (!video || fault === 'expired' || now() > Number(url.searchParams.get('exp') ?? 0)) return send(res, 403, { error: 'URL expired or unknown' });
    const body = videoBody(m![2]!, opts.videoBytes, clipFor(video.task.request));
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
    const start = range ? Math.min(Number(range[1]), body.total) : 0;
    const type = { mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime' }[m![2]!]!;
    res.writeHead(range ? 206 : 200, {
      'content-type': type,
      'content-length': String(body.total - start),
      'accept-ranges': 'bytes',
      ...(range ? { 'content-range': `bytes ${start}-${body.total - 1}/${body.total}` } : {}),
    });
    if (fault === 'truncate') {
      const end = start + Math.floor((body.total - start) / 2);
      body
        .stream(start, end)
        .on('data', (c) => res.write(c))
        .on('end', () => res.socket?.destroy());
      return;
    }
    if (body.bytes) return void res.end(body.bytes.subarray(start));
    await pipeline(body.stream(start, body.total - 1), res).catch(() => undefined);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const route =
      req.method === 'POST' ? api(req, res) : req.method === 'GET' && url.pathname.startsWith('/_sim/videos/') ? download(req, res, url) : meta(req, res, url);
    route.catch(() => res.destroy());
  });
  async function meta(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/_sim/stats') return send(res, 200, stats);
    if (url.pathname === '/_sim/tasks') return send(res, 200, taskInfo());
    if (url.pathname === '/_sim/faults' && req.method === 'PUT') {
      faults = JSON.parse(await readBody(req)) as SimFaults;
      engine.opts.generationFailureRate = faults.generationFailureRate ?? 0;
      return send(res, 200, faults);
    }
    send(res, 404, { error: 'not found' });
  }
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  origin = `http://${addr.address}:${addr.port}`;
  return {
    url: `${origin}/v1`,
    origin,
    apiKey,
    stats: () => structuredClone(stats),
    tasks: taskInfo,
    setVariants(v) {
      variants = new Set(v);
    },
    setFaults(f) {
      faults = { ...f };
      engine.opts.generationFailureRate = f.generationFailureRate ?? 0;
    },
    webhooks: () => webhooks.stats(),
    close: () =>
      new Promise((resolve) => {
        webhooks.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 64 * 1024 * 1024) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
