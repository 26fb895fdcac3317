// The Runware wire format: task bodies out, `{data, errors}` in, matched to tasks by UUID, and every
// failure classified (runware-protocol.md): transient, terminal, unknown outcome, already accepted.
import { ProviderError } from '../../errors.js';
import type { PollOutcome, RemoteVideo, SubmitOutcome, VideoTask } from '../types.js';

export interface WireError {
  code?: string;
  message?: string;
  parameter?: string;
  taskUUID?: string;
  taskType?: string;
}
export interface WireItem {
  taskType?: string;
  taskUUID?: string;
  status?: string;
  videoUUID?: string;
  videoURL?: string;
  seed?: number;
  cost?: number;
  [k: string]: unknown;
}
export interface WireResponse {
  data?: WireItem[];
  errors?: WireError[];
}

export function submitBody(tasks: VideoTask[]): object[] {
  return tasks.map((t) => ({ ...t.request, taskType: 'videoInference', taskUUID: t.taskUUID, deliveryMethod: 'async', includeCost: true }));
}

export function pollBody(uuids: string[]): object[] {
  return uuids.map((taskUUID) => ({ taskType: 'getResponse', taskUUID }));
}

export const isConflict = (e: WireError) => /conflict.*task.*uuid|taskuuid.*already/i.test(`${e.code ?? ''} ${e.message ?? ''}`);
export const isNotFound = (e: WireError) => /not.?found|unknown.?task|doesnotexist|invalidtaskuuid/i.test(e.code ?? '');

export function terminalError(e: WireError, status?: number): ProviderError {
  const msg = `${e.message ?? 'request refused'}${e.parameter ? ` (parameter ${e.parameter})` : ''}`;
  return new ProviderError(msg, {
    code: e.code ?? `http.${status ?? 400}`,
    kind: 'terminal',
    ...(e.taskUUID ? { taskUUID: e.taskUUID } : {}),
    ...(e.parameter ? { parameter: e.parameter } : {}),
    ...(status ? { status } : {}),
  });
}

/** Per-task submit outcomes from a parsed response. Tasks the response does not mention are unknown. */
export function submitOutcomes(tasks: VideoTask[], res: WireResponse, status: number): SubmitOutcome[] {
  const data = new Map((res.data ?? []).filter((d) => d.taskUUID).map((d) => [d.taskUUID!, d]));
  const errors = new Map((res.errors ?? []).filter((e) => e.taskUUID).map((e) => [e.taskUUID!, e]));
  const general = (res.errors ?? []).find((e) => !e.taskUUID);
  return tasks.map((t): SubmitOutcome => {
    const e = errors.get(t.taskUUID);
    if (e) return isConflict(e) ? { taskUUID: t.taskUUID, status: 'accepted', alreadyAccepted: true } : { taskUUID: t.taskUUID, status: 'rejected', error: terminalError(e, status) };
    const d = data.get(t.taskUUID);
    if (d) return { taskUUID: t.taskUUID, status: 'accepted', ...(typeof d.cost === 'number' ? { costUsd: d.cost } : {}) };
    if (general && status >= 400 && status < 500) return { taskUUID: t.taskUUID, status: 'rejected', error: terminalError({ ...general, taskUUID: t.taskUUID }, status) };
    return { taskUUID: t.taskUUID, status: 'unknown', error: new ProviderError('the API did not answer for this task', { code: 'no-answer', kind: 'unknown-outcome', taskUUID: t.taskUUID }) };
  });
}

/** Per-task poll outcomes: result items grouped by UUID (numberResults may send several). */
export function pollOutcomes(uuids: string[], res: WireResponse): PollOutcome[] {
  const items = new Map<string, WireItem[]>();
  for (const d of res.data ?? []) if (d.taskUUID) items.set(d.taskUUID, [...(items.get(d.taskUUID) ?? []), d]);
  const errors = new Map((res.errors ?? []).filter((e) => e.taskUUID).map((e) => [e.taskUUID!, e]));
  return uuids.map((taskUUID): PollOutcome => {
    const e = errors.get(taskUUID);
    if (e) return isNotFound(e) ? { taskUUID, status: 'unknown', error: terminalError(e) } : { taskUUID, status: 'failed', error: terminalError(e) };
    const list = items.get(taskUUID) ?? [];
    const failed = list.find((i) => i.status === 'error');
    if (failed) return { taskUUID, status: 'failed', error: terminalError({ code: String(failed.code ?? 'generationError'), message: String(failed.message ?? failed.error ?? 'generation failed'), taskUUID }) };
    const videos: RemoteVideo[] = [];
    for (const i of list)
      if (i.status === 'success' && i.videoUUID && i.videoURL && !videos.some((v) => v.videoUUID === i.videoUUID))
        videos.push({ videoUUID: i.videoUUID, videoURL: i.videoURL, ...(typeof i.seed === 'number' ? { seed: i.seed } : {}), ...(typeof i.cost === 'number' ? { cost: i.cost } : {}) });
    if (videos.length > 0) return { taskUUID, status: 'success', videos };
    if (list.length > 0) return { taskUUID, status: 'processing' };
    return { taskUUID, status: 'unknown' };
  });
}

/** Whole-request failures by HTTP status. */
export function httpError(status: number, res: WireResponse | undefined, retryAfterMs?: number): ProviderError {
  const first = res?.errors?.[0];
  const base = { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (status === 401)
    return new ProviderError('Runware rejected the API key (HTTP 401): check RUNWARE_API_KEY / RUNWARE_API_KEY_FILE', { code: 'unauthorized', kind: 'terminal', ...base });
  if (status === 402) return new ProviderError(`Runware refused: no credit left (HTTP 402)${first?.message ? `: ${first.message}` : ''}`, { code: 'insufficientCredits', kind: 'terminal', ...base });
  if (status === 403) return new ProviderError(`Runware refused the request (HTTP 403)${first?.message ? `: ${first.message}` : ''}`, { code: 'forbidden', kind: 'terminal', ...base });
  if (status === 429 || status >= 500) return new ProviderError(`Runware answered HTTP ${status}${first?.message ? `: ${first.message}` : ''}`, { code: `http.${status}`, kind: 'transient', ...base });
  return new ProviderError(`Runware answered HTTP ${status}${first?.message ? `: ${first.message}` : ''}`, { code: first?.code ?? `http.${status}`, kind: 'terminal', ...base });
}
