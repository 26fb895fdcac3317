// The Runware HTTP driver: one call = one POST of a task array (Provider contract, test/contracts/).
// No retries here — the client layer owns them; this layer only says precisely what happened.
import { ArtifactError, ProviderError } from '../../errors.js';
import { scrubDeep } from '../../text/secrets.js';
import type { DownloadResponse, PollOutcome, Provider, RequestOptions, SubmitOutcome, VideoTask } from '../types.js';
import { createDownloadGuard, type DownloadGuardOptions, type GuardedResponse } from './download-guard.js';
import { httpError, isConflict, pollBody, pollOutcomes, submitBody, submitOutcomes, type WireResponse } from './wire.js';

export interface RunwareProviderOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Counts every HTTP request (for metrics and benches). */
  onRequest?: (kind: 'submit' | 'poll' | 'download', outcome: string) => void;
  /** Where result URLs may lead and how large a file may be (download-guard.ts; downloads use node:http, not
   *  `fetch`, so each connection's own DNS lookup is the one checked). The API URL is baseUrl. */
  download?: Omit<DownloadGuardOptions, 'apiUrl'>;
}

export function createRunwareProvider(opts: RunwareProviderOptions): Provider {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const count = opts.onRequest ?? (() => undefined);
  const guard = createDownloadGuard({ ...opts.download, apiUrl: opts.baseUrl });

  async function post(
    kind: 'submit' | 'poll',
    body: object[],
    o: RequestOptions & { dryRun?: boolean } = {},
  ): Promise<{ status: number; json: WireResponse | undefined }> {
    const signal = o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await doFetch(opts.baseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.apiKey}`, ...(o.dryRun ? { 'x-runware-dry-run': '1' } : {}) },
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      if (o.signal?.aborted) throw o.signal.reason;
      count(kind, 'network');
      throw transportError(err);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      count(kind, 'network');
      throw transportError(err);
    }
    let json: WireResponse | undefined;
    try {
      // Secrets out at the edge: an answer that quotes the key must not carry it into the state or a log.
      json = text ? scrubDeep(JSON.parse(text) as WireResponse) : undefined;
    } catch {
      json = undefined;
    }
    count(kind, String(res.status));
    if (res.status === 200 && (json === undefined || typeof json !== 'object'))
      throw new ProviderError('Runware answered with malformed JSON', { code: 'malformed-response', kind: 'unknown-outcome', status: 200 });
    // A 400 that speaks about tasks (per-task refusals, a conflictTaskUUID with or without its taskUUID) is
    // an answer per task; a batched getResponse refused as a whole is not (poll() below says so).
    const perTask = res.status === 400 && json && Array.isArray(json.errors) && json.errors.some((e) => e && (e.taskUUID || isConflict(e)));
    if (res.status === 400 && kind === 'poll' && body.length > 1 && !perTask)
      throw new ProviderError(`Runware refused a batched getResponse (HTTP 400)`, { code: 'poll.batch-refused', kind: 'terminal', status: 400 });
    if (res.status !== 200 && !perTask) throw httpError(res.status, json, retryAfter(res.headers.get('retry-after')));
    return { status: res.status, json };
  }

  return {
    async submit(tasks: VideoTask[], o = {}): Promise<SubmitOutcome[]> {
      if (tasks.length === 0) return [];
      const { status, json } = await post('submit', submitBody(tasks), o);
      return submitOutcomes(tasks, json ?? {}, status);
    },
    async poll(uuids: string[], o = {}): Promise<PollOutcome[]> {
      if (uuids.length === 0) return [];
      const { json } = await post('poll', pollBody(uuids), o);
      return pollOutcomes(uuids, json ?? {});
    },
    async download(url: string, o: RequestOptions & { offset?: number } = {}): Promise<DownloadResponse> {
      let res: GuardedResponse;
      try {
        res = await guard.get(url, { headers: o.offset ? { range: `bytes=${o.offset}-` } : {}, ...(o.signal ? { signal: o.signal } : {}) });
      } catch (err) {
        if (o.signal?.aborted) throw o.signal.reason;
        if (err instanceof ArtifactError) throw err; // refused by the guard: nothing was fetched
        count('download', 'network');
        throw transportError(err);
      }
      count('download', String(res.status));
      if (res.status === 403 || res.status === 404 || res.status === 410) {
        res.body.destroy();
        throw new ArtifactError(`the video URL has expired or is gone (HTTP ${res.status})`, { code: 'download.expired' });
      }
      if (res.status !== 200 && res.status !== 206) {
        res.body.destroy();
        throw new ProviderError(`download answered HTTP ${res.status}`, { code: `http.${res.status}`, kind: 'transient', status: res.status });
      }
      const len = res.headers['content-length'];
      return {
        status: res.status,
        body: res.body,
        ...(len ? { contentLength: Number(len) } : {}),
        ...(res.headers['content-type'] ? { contentType: res.headers['content-type'] } : {}),
      };
    },
  };
}

/** Connection refused means nothing was sent; anything else after connecting may have been processed. */
function transportError(err: unknown): ProviderError {
  const cause = (err as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (err as { name?: string }).name ?? 'network';
  const notSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  return new ProviderError(`cannot reach Runware: ${code}`, { code: `net.${code}`, kind: notSent ? 'transient' : 'unknown-outcome', cause: err });
}

function retryAfter(h: string | null): number | undefined {
  if (!h) return undefined;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(h);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}
