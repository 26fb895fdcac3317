// `plan --verify-remote`: the planned renders are sent to the API as a dry run (`X-Runware-Dry-Run: 1`),
// which validates each request and quotes its exact cost without charging. The header is unconfirmed, so
// the dry run is then proven dry (dry-run-proof.ts): a render it started anyway is reported in `started`
// (the caller records it for apply to adopt). The task UUIDs are fresh ones; apply never re-sends them
// unless they were adopted.
import { ProviderError } from '../errors.js';
import type { LoadedVideo, VideoRequest } from '../manifest/model.js';
import type { Provider, SubmitOutcome, VideoTask } from '../provider/types.js';
import { proveNothingStarted, type StartedRender } from './dry-run-proof.js';
import type { Plan } from './model.js';

export interface RemoteVerdict {
  name: string;
  ok: boolean;
  estimatedCostUsd: number;
  /** The API's quote (absent when it did not return a cost, or refused the request). */
  quotedCostUsd?: number;
  error?: { code: string; message: string; parameter?: string };
}

export interface RemoteCheck {
  checked: number;
  refused: number;
  /** Requests the API could not be asked about (network down, retries exhausted). */
  unverified: number;
  estimatedCostUsd: number;
  quotedCostUsd: number;
  videos: RemoteVerdict[];
  /** Renders the "dry run" started for real (the API ignored the header): billed, to be adopted by apply. */
  started: StartedRender[];
  /** Videos for which getResponse could not prove that nothing started. */
  unconfirmed: string[];
}

export interface RemoteCheckDeps {
  provider: Provider;
  resolveRequest: (v: LoadedVideo) => Promise<VideoRequest>;
  newUUID: () => string;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  batchSize?: number;
  /** Tries per batch on transient failures (a dry run is free to repeat). */
  attempts?: number;
  signal?: AbortSignal;
}

/** Actions that would send a paid request. */
const RENDERS = new Set(['create', 'replace']);

export async function verifyRemote(plan: Plan, videos: LoadedVideo[], deps: RemoteCheckDeps): Promise<RemoteCheck> {
  const byName = new Map(videos.map((v) => [v.name, v]));
  const changes = plan.changes.filter((c) => RENDERS.has(c.action) && byName.has(c.name));
  const tasks: { name: string; estimate: number; task: VideoTask }[] = [];
  for (const c of changes)
    tasks.push({ name: c.name, estimate: c.estimatedCostUsd, task: { taskUUID: deps.newUUID(), request: await deps.resolveRequest(byName.get(c.name)!) } });

  const verdicts = new Map<string, RemoteVerdict>();
  const size = deps.batchSize ?? 25;
  let fatal: ProviderError | undefined; // 401/402/403: the same answer for every batch, so stop asking
  for (let i = 0; i < tasks.length; i += size) {
    const batch = tasks.slice(i, i + size);
    let pending = batch;
    for (let attempt = 1; pending.length > 0 && !fatal; attempt++) {
      let outcomes: SubmitOutcome[];
      try {
        outcomes = await deps.provider.submit(
          pending.map((t) => t.task),
          { dryRun: true, ...(deps.signal ? { signal: deps.signal } : {}) },
        );
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        if (err.kind === 'terminal') fatal = err;
        else if (attempt >= (deps.attempts ?? 3)) {
          for (const t of pending) verdicts.set(t.name, unverified(t, err));
          pending = [];
        } else await deps.sleep(Math.max(err.retryAfterMs ?? 0, 500 * 2 ** (attempt - 1)), deps.signal);
        continue;
      }
      const byUUID = new Map(outcomes.map((o) => [o.taskUUID, o]));
      const retry: typeof pending = [];
      for (const t of pending) {
        const o = byUUID.get(t.task.taskUUID);
        if (o?.status === 'accepted')
          verdicts.set(t.name, { name: t.name, ok: true, estimatedCostUsd: t.estimate, ...(o.costUsd !== undefined ? { quotedCostUsd: o.costUsd } : {}) });
        else if (o?.status === 'rejected') verdicts.set(t.name, refused(t, o.error));
        else if (attempt >= (deps.attempts ?? 3)) verdicts.set(t.name, unverified(t, o?.error));
        else retry.push(t);
      }
      pending = retry;
      if (pending.length > 0) await deps.sleep(500 * 2 ** (attempt - 1), deps.signal);
    }
  }
  if (fatal) for (const t of tasks) if (!verdicts.has(t.name)) verdicts.set(t.name, refused(t, fatal));

  const list = tasks.map((t) => verdicts.get(t.name)!);
  const sent = tasks.filter((t) => verdicts.get(t.name)!.ok || verdicts.get(t.name)!.error?.code === 'unverified');
  const proof = await proveNothingStarted(
    sent.map((t) => ({ name: t.name, taskUUID: t.task.taskUUID, costUsd: verdicts.get(t.name)!.quotedCostUsd ?? t.estimate })),
    deps.provider,
    { batchSize: size, sleep: deps.sleep, ...(deps.attempts ? { attempts: deps.attempts } : {}), ...(deps.signal ? { signal: deps.signal } : {}) },
  );
  return {
    started: proof.started,
    unconfirmed: proof.unconfirmed,
    checked: list.length,
    refused: list.filter((v) => !v.ok && v.error?.code !== 'unverified').length,
    unverified: list.filter((v) => v.error?.code === 'unverified').length,
    estimatedCostUsd: round(list.reduce((s, v) => s + v.estimatedCostUsd, 0)),
    quotedCostUsd: round(list.reduce((s, v) => s + (v.quotedCostUsd ?? 0), 0)),
    videos: list,
  };
}

function refused(t: { name: string; estimate: number }, e: ProviderError): RemoteVerdict {
  return {
    name: t.name,
    ok: false,
    estimatedCostUsd: t.estimate,
    error: { code: e.code, message: e.message, ...(e.parameter ? { parameter: e.parameter } : {}) },
  };
}

function unverified(t: { name: string; estimate: number }, e?: ProviderError): RemoteVerdict {
  return {
    name: t.name,
    ok: false,
    estimatedCostUsd: t.estimate,
    error: { code: 'unverified', message: `the API could not be asked${e ? `: ${e.message}` : ''}` },
  };
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;
