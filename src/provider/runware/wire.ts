// The Runware wire format: task bodies out, `{data, errors}` in, matched to tasks by UUID, and every
// failure classified (runware-protocol.md): transient, terminal, unknown outcome, already accepted.
// Item shapes are read defensively (items.ts): nested or top-level error codes, numbers checked.
import { ProviderError } from '../../errors.js';
import type { PollOutcome, RemoteVideo, SubmitOutcome, VideoTask } from '../types.js';
import { badNumber, isNotFoundCode, readError, RUNNING_STATUSES, text, validCost, type ItemError } from './items.js';

export interface WireError {
  code?: string;
  message?: string;
  parameter?: string;
  taskUUID?: string;
  taskType?: string;
  [k: string]: unknown;
}
interface WireItem {
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

export const isConflict = (e: WireError) => {
  const r = readError(e);
  return /conflict.*task.*uuid|taskuuid.*already/i.test(`${r.code ?? ''} ${r.message ?? ''}`);
};

function terminalError(e: WireError | ItemError, status?: number, taskUUID?: string): ProviderError {
  const r = readError(e);
  const id = taskUUID ?? (typeof (e as WireError).taskUUID === 'string' ? (e as WireError).taskUUID : undefined);
  const msg = `${r.message ?? 'request refused'}${r.parameter ? ` (parameter ${r.parameter})` : ''}`;
  return new ProviderError(msg, {
    code: r.code ?? `http.${status ?? 400}`,
    kind: 'terminal',
    ...(id ? { taskUUID: id } : {}),
    ...(r.parameter ? { parameter: r.parameter } : {}),
    ...(status ? { status } : {}),
  });
}

const unknown = (taskUUID: string, code: string, message: string): { taskUUID: string; status: 'unknown'; error: ProviderError } => ({
  taskUUID,
  status: 'unknown',
  error: new ProviderError(message, { code, kind: 'unknown-outcome', taskUUID }),
});

const withUUID = <T extends { taskUUID?: unknown }>(list: T[] | undefined) =>
  (Array.isArray(list) ? list : []).filter((x) => x && typeof x.taskUUID === 'string' && x.taskUUID);
const taskless = <T extends { taskUUID?: unknown }>(list: T[] | undefined) =>
  (Array.isArray(list) ? list : []).filter((x) => x && !(typeof x.taskUUID === 'string' && x.taskUUID));

/** Per-task submit outcomes from a parsed response. Tasks the response does not mention are unknown. */
export function submitOutcomes(tasks: VideoTask[], res: WireResponse, status: number): SubmitOutcome[] {
  const data = new Map(withUUID(res.data).map((d) => [d.taskUUID!, d]));
  const errors = new Map(withUUID(res.errors).map((e) => [e.taskUUID!, e]));
  const general = taskless(res.errors);
  // A conflictTaskUUID item without a taskUUID (Runware's Python client falls back to the UUID it sent):
  // in a one-task request it is that task's; in a batch, which task it covers is found by polling.
  const tasklessConflict = general.some(isConflict);
  const refusal = general.find((e) => !isConflict(e));
  return tasks.map((t): SubmitOutcome => {
    const e = errors.get(t.taskUUID);
    if (e)
      return isConflict(e)
        ? { taskUUID: t.taskUUID, status: 'accepted', alreadyAccepted: true }
        : { taskUUID: t.taskUUID, status: 'rejected', error: terminalError(e, status) };
    const d = data.get(t.taskUUID);
    if (d) {
      const cost = validCost(d.cost);
      return { taskUUID: t.taskUUID, status: 'accepted', ...(cost !== undefined ? { costUsd: cost } : {}) };
    }
    if (tasklessConflict && tasks.length === 1) return { taskUUID: t.taskUUID, status: 'accepted', alreadyAccepted: true };
    if (tasklessConflict)
      return unknown(t.taskUUID, 'conflict.unattributed', 'a conflictTaskUUID answer without a taskUUID: this task may already be accepted');
    if (refusal && status >= 400 && status < 500) return { taskUUID: t.taskUUID, status: 'rejected', error: terminalError(refusal, status, t.taskUUID) };
    return unknown(t.taskUUID, 'no-answer', 'the API did not answer for this task');
  });
}

/** Per-task poll outcomes: result items grouped by UUID (numberResults may send several). */
export function pollOutcomes(uuids: string[], res: WireResponse): PollOutcome[] {
  const items = new Map<string, WireItem[]>();
  for (const d of withUUID(res.data)) items.set(d.taskUUID!, [...(items.get(d.taskUUID!) ?? []), d]);
  const errors = new Map(withUUID(res.errors).map((e) => [e.taskUUID!, e]));
  // With one task asked, an error item without a taskUUID can only be about that task.
  const general = uuids.length === 1 ? taskless(res.errors)[0] : undefined;
  return uuids.map((taskUUID): PollOutcome => {
    const e = errors.get(taskUUID) ?? general;
    if (e) {
      const r = readError(e);
      // Whether "not found" is final depends on whether the submit was acknowledged: the caller decides.
      if (isNotFoundCode(r.code))
        return { taskUUID, status: 'unknown', error: new ProviderError(r.message ?? r.code!, { code: r.code!, kind: 'unknown-outcome', taskUUID }) };
      return generationFailed(taskUUID, r);
    }
    return itemsOutcome(taskUUID, items.get(taskUUID) ?? []);
  });
}

/** A task the API says failed: terminal, with the API's code, message and parameter where it gave them. */
function generationFailed(taskUUID: string, r: ReturnType<typeof readError>): PollOutcome {
  return {
    taskUUID,
    status: 'failed',
    error: terminalError(
      { code: r.code ?? 'generationError', message: r.message ?? 'generation failed', ...(r.parameter ? { parameter: r.parameter } : {}) },
      undefined,
      taskUUID,
    ),
  };
}

function itemsOutcome(taskUUID: string, list: WireItem[]): PollOutcome {
  // No item at all: this answer says nothing about the task (a batch the server answered in part).
  if (list.length === 0) return unknown(taskUUID, 'no-answer', 'the API sent no item for this task');
  const failed = list.find((i) => i.status === 'error');
  if (failed) {
    return generationFailed(taskUUID, readError(failed));
  }
  const videos: RemoteVideo[] = [];
  for (const i of list.filter((x) => x.status === 'success')) {
    const bad = badNumber(i);
    if (bad)
      return unknown(
        taskUUID,
        'malformed-item',
        `Runware sent a malformed result: field "${bad.field}" is ${bad.value} (expected ${bad.expected}); nothing of it was stored`,
      );
    if (typeof i.videoUUID !== 'string' || !i.videoUUID)
      return unknown(taskUUID, 'malformed-item', 'Runware sent a malformed result: field "videoUUID" is missing; nothing of it was stored');
    if (videos.some((v) => v.videoUUID === i.videoUUID)) continue;
    const url = typeof i.videoURL === 'string' && i.videoURL ? i.videoURL : undefined;
    // No videoURL: the output went to the request's uploadEndpoint (the caller knows where that is).
    videos.push({
      videoUUID: i.videoUUID,
      ...(url ? { videoURL: url } : {}),
      ...(typeof i.seed === 'number' ? { seed: i.seed } : {}),
      ...(typeof i.cost === 'number' ? { cost: i.cost } : {}),
    });
  }
  if (videos.length > 0) return { taskUUID, status: 'success', videos };
  const odd = list.find((i) => !RUNNING_STATUSES.has(String(i.status)));
  if (odd)
    return unknown(taskUUID, 'protocol.unknown-status', `Runware answered with an unknown status ${JSON.stringify(text(odd.status) ?? null)} for this task`);
  return { taskUUID, status: 'processing' };
}

/** Whole-request failures by HTTP status. */
export function httpError(status: number, res: WireResponse | undefined, retryAfterMs?: number): ProviderError {
  const first = Array.isArray(res?.errors) ? readError(res.errors[0]) : undefined;
  const base = { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (status === 401)
    return new ProviderError('Runware rejected the API key (HTTP 401): check RUNWARE_API_KEY / RUNWARE_API_KEY_FILE', {
      code: 'unauthorized',
      kind: 'terminal',
      ...base,
    });
  if (status === 402)
    return new ProviderError(`Runware refused: no credit left (HTTP 402)${first?.message ? `: ${first.message}` : ''}`, {
      code: 'insufficientCredits',
      kind: 'terminal',
      ...base,
    });
  if (status === 403)
    return new ProviderError(`Runware refused the request (HTTP 403)${first?.message ? `: ${first.message}` : ''}`, {
      code: 'forbidden',
      kind: 'terminal',
      ...base,
    });
  // 408 (request timeout), 429 and 5xx: Runware's own clients retry these.
  if (status === 408 || status === 429 || status >= 500)
    return new ProviderError(`Runware answered HTTP ${status}${first?.message ? `: ${first.message}` : ''}`, {
      code: `http.${status}`,
      kind: 'transient',
      ...base,
    });
  return new ProviderError(`Runware answered HTTP ${status}${first?.message ? `: ${first.message}` : ''}`, {
    code: first?.code ?? `http.${status}`,
    kind: 'terminal',
    ...base,
  });
}
