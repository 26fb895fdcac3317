// The real controller in this process with a scripted provider, in-memory artifacts, a memory state store
// and vitest's fake timers as the clock (the work queue's timers, Date and performance.now): a run that
// waits an hour of backoff takes milliseconds, and every time it records is exact. The test file mocks
// store/output-check.ts with memory-disk.ts, so nothing waits on real I/O.
// A script answer of 'hang' never returns: the run stops there as a killed process would, and the next
// run starts from what the state store holds (recovery after a crash).
import { vi } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { ArtifactError, ProviderError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import type { LoadedVideo } from '../../src/manifest/model.js';
import type { ProviderClient, PollOutcome, SubmitOutcome } from '../../src/provider/types.js';
import type { ApplySummary, ControllerEvent } from '../../src/reconcile/controller-api.js';
import type { Result } from '../../src/reconcile/result.js';
import { createController } from '../../src/reconcile/controller.js';
import { MemoryStateStore } from '../doubles/memory-store.js';
import type { StateFile, VideoState } from '../../src/state/model.js';
import { derivePhase } from '../../src/state/phase.js';
import { emptyState } from '../../src/state/transitions.js';
import type { ArtifactStore, DownloadResult } from '../../src/store/artifacts.js';
import { disk, sha256 } from './memory-disk.js';

type SubmitAnswer = 'accepted' | 'conflict' | 'unknown' | 'hang' | { rejected: string };
/** `slow`: still processing, answered after this many fake ms (a slow API round trip). */
type PollAnswer = 'processing' | 'hang' | { slow: number } | { success: number } | { failed: string } | { unknown: string };
type DownloadAnswer = 'ok' | 'expired' | 'reset' | 'enospc' | 'hang';
/** Answers in call order per video; the last one repeats. */
interface Script {
  submit?: SubmitAnswer[];
  poll?: PollAnswer[];
  download?: DownloadAnswer[];
}
export interface Call {
  op: 'submit' | 'poll' | 'download';
  name: string;
  taskUUID: string;
  /** Fake milliseconds since the run started. */
  at: number;
}

const T0 = Date.UTC(2026, 0, 1);
export const RETRY_MS = 1000;
export const POLL_MS = 5000;

export const video = (name: string, over: Partial<LoadedVideo> = {}, request: Record<string, unknown> = {}): LoadedVideo => ({
  name,
  labels: {},
  request: {
    model: 'klingai:kling-video@3-standard',
    positivePrompt: `a calm lake at dawn, ${name}`,
    width: 1280,
    height: 720,
    duration: 5,
    ...request,
  } as LoadedVideo['request'],
  output: {},
  suspend: false,
  regenerate: 0,
  source: { file: `${name}.yaml`, line: 1, col: 1, docIndex: 0 },
  localInputs: [],
  ...over,
});

const never = <T>() => new Promise<T>(() => {});
const err = (code: string, kind: ProviderError['kind']) => new ProviderError(`${code} (scripted)`, { code, kind });

/** A ProviderClient answering from per-video scripts; task UUIDs are tied to videos by their prompt. */
function scriptedClient(
  names: string[],
  scripts: Record<string, Script>,
  calls: Call[],
  owners: Map<string, string>,
  t0: () => number,
  hung: () => void,
): ProviderClient {
  const used = new Map<string, number>();
  const next = <T>(name: string, op: Call['op'], list: T[] | undefined, fallback: T): T => {
    const k = `${name}/${op}`;
    const i = used.get(k) ?? 0;
    used.set(k, i + 1);
    return list?.[Math.min(i, list.length - 1)] ?? fallback;
  };
  const hang = <T>() => {
    hung();
    return never<T>();
  };
  const log = (op: Call['op'], taskUUID: string) => {
    const name = owners.get(taskUUID) ?? '?';
    calls.push({ op, name, taskUUID, at: Date.now() - t0() });
    return name;
  };
  return {
    async submit(task): Promise<SubmitOutcome> {
      const prompt = String(task.request.positivePrompt);
      owners.set(task.taskUUID, names.find((n) => prompt.endsWith(`, ${n}`)) ?? '?');
      const name = log('submit', task.taskUUID);
      const a = next(name, 'submit', scripts[name]?.submit, 'accepted' as SubmitAnswer);
      if (a === 'hang') return hang();
      if (a === 'accepted') return { taskUUID: task.taskUUID, status: 'accepted' };
      if (a === 'conflict') return { taskUUID: task.taskUUID, status: 'accepted', alreadyAccepted: true };
      if (a === 'unknown') return { taskUUID: task.taskUUID, status: 'unknown', error: err('timeout', 'unknown-outcome') };
      return { taskUUID: task.taskUUID, status: 'rejected', error: err(a.rejected, 'terminal') };
    },
    async poll(taskUUID): Promise<PollOutcome> {
      const name = log('poll', taskUUID);
      const a = next(name, 'poll', scripts[name]?.poll, { success: 1 } as PollAnswer);
      if (a === 'hang') return hang();
      if (a === 'processing') return { taskUUID, status: 'processing' };
      if ('slow' in a) {
        await new Promise((r) => setTimeout(r, a.slow));
        return { taskUUID, status: 'processing' };
      }
      if ('success' in a)
        return {
          taskUUID,
          status: 'success',
          videos: Array.from({ length: a.success }, (_, i) => ({
            videoUUID: `${taskUUID}-v${i}`,
            videoURL: `https://cdn.test/${taskUUID}-${i}.mp4`,
            cost: 0.42,
          })),
        };
      if ('failed' in a) return { taskUUID, status: 'failed', error: err(a.failed, 'terminal') };
      return { taskUUID, status: 'unknown', error: err(a.unknown, 'unknown-outcome') };
    },
    async download(url) {
      const taskUUID = /cdn\.test\/(.+)-\d+\.mp4$/.exec(url)![1]!;
      const name = log('download', taskUUID);
      const a = next(name, 'download', scripts[name]?.download, 'ok' as DownloadAnswer);
      if (a === 'hang') return hang();
      if (a === 'expired') throw new ArtifactError('the video URL has expired (HTTP 403)', { code: 'download.expired' });
      if (a === 'reset') throw new ArtifactError('download failed: socket reset', { code: 'download.interrupted', retryable: true });
      if (a === 'enospc') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const bytes = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom'), Buffer.from(url)]);
      return {
        status: 200,
        contentLength: bytes.length,
        body: (async function* () {
          yield new Uint8Array(bytes);
        })(),
      };
    },
    breakerOpen: false,
    stats: () => ({ requests: calls.length, byOutcome: {}, retries: 0 }),
    close: async () => {},
  };
}

/** The ArtifactStore's surface the reconciler uses, in memory (the real one is covered in test/store/). */
function memoryArtifacts(client: ProviderClient, files: Map<string, Buffer>): ArtifactStore {
  return {
    outDir: '/nonexistent/reelctl-scripted-out',
    async download(url: string, rel: string, _container: unknown, _signal: unknown, afterRename?: (got: DownloadResult) => Promise<void>) {
      const res = await client.download(url);
      const chunks: Uint8Array[] = [];
      for await (const c of res.body) chunks.push(c);
      const buf = Buffer.concat(chunks);
      files.set(rel, buf);
      const got = { sha256: sha256(buf), bytes: buf.length };
      await afterRename?.(got); // the sidecar, once the file has its name (artifacts.ts)
      return got;
    },
    async writeSidecar() {},
    async move(from: string, to: string) {
      files.set(to, files.get(from)!);
      files.delete(from);
    },
    async archive(rel: string) {
      files.delete(rel);
      return rel;
    },
    async remove(rel: string) {
      files.delete(rel);
    },
  } as unknown as ArtifactStore;
}

export interface RunSpec {
  videos: LoadedVideo[];
  scripts: Record<string, Script>;
  maxCostUsd?: number;
  concurrency?: number;
  supersede?: 'wait' | 'abandon';
  /** Records put into the state before this run starts (a state written by an older or buggy reelctl). */
  records?: VideoState[];
  /** Every state save takes this many fake ms (a slow disk). */
  saveMs?: number;
  /** The client's submitsSettled() resolves this many fake ms after it is asked (submits that travelled alongside answered later). */
  settleMs?: number;
  /** Every timer fires this many fake ms after it was due (a loaded machine's event loop). */
  timerLateMs?: number;
}
/** A saved record whose stored phase is not the one its facts give. */
interface PhaseMismatch {
  name: string;
  stored: string;
  derived: string;
}
/** The memory store, noting every save of a record whose stored phase is not derivePhase of its facts. */
class PhaseCheckedStore extends MemoryStateStore {
  readonly mismatches: PhaseMismatch[] = [];
  delayMs = 0;
  override async write(...args: Parameters<MemoryStateStore['write']>): Promise<StateFile> {
    for (const v of Object.values(args[0].videos)) {
      const derived = derivePhase(v);
      if (derived !== v.phase) this.mismatches.push({ name: v.name, stored: v.phase, derived });
    }
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    return super.write(...args);
  }
}
interface RunOutcome {
  /** Absent when the run crashed (a 'hang' answer) or threw. */
  summary?: ApplySummary;
  error?: Error;
  crashed: boolean;
}
/** One reconcile pass: the step's Result, with its fake ms since its run started. */
export interface Pass {
  name: string;
  step: Result;
  at: number;
}
export interface Outcome {
  runs: RunOutcome[];
  state: StateFile;
  calls: Call[];
  files: Map<string, Buffer>;
  /** Every pass across runs, in order. */
  passes: Pass[];
  /** Every controller event across runs (the event log's lines). */
  events: ControllerEvent[];
  /** Saves (at any point, also mid-step and before a crash) of a record whose stored phase its facts contradict. */
  mismatches: PhaseMismatch[];
}

/** apply-like runs one after another over one state store, each to completion or to its crash point. */
export async function runSequence(specs: RunSpec[]): Promise<Outcome> {
  const store = new PhaseCheckedStore();
  const calls: Call[] = [];
  const owners = new Map<string, string>();
  const files = disk;
  files.clear();
  const runs: RunOutcome[] = [];
  const passes: Pass[] = [];
  const events: ControllerEvent[] = [];
  let restoreTimers = () => undefined as void;
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
  try {
    for (const spec of specs) {
      const start = Date.now();
      let hung = false;
      const client = scriptedClient(
        spec.videos.map((v) => v.name),
        spec.scripts,
        calls,
        owners,
        () => start,
        () => void (hung = true),
      );
      store.delayMs = spec.saveMs ?? 0;
      if (spec.settleMs !== undefined) {
        const ms = spec.settleMs;
        client.submitsSettled = () => new Promise((r) => setTimeout(() => r(performance.now()), ms));
      }
      if (spec.timerLateMs) {
        const late = spec.timerLateMs;
        const fakeSetTimeout = globalThis.setTimeout;
        globalThis.setTimeout = ((fn: () => void, ms?: number) => fakeSetTimeout(fn, (ms ?? 0) + late)) as typeof setTimeout;
        restoreTimers = () => void (globalThis.setTimeout = fakeSetTimeout);
      }
      const state = (await store.read()) ?? emptyState('lin');
      for (const r of spec.records ?? []) state.videos[r.name] = structuredClone(r);
      const controller = createController({
        store,
        state,
        client,
        artifacts: memoryArtifacts(client, files),
        clock: systemClock,
        logger: silentLogger(),
        concurrency: spec.concurrency ?? 10,
        supersede: spec.supersede ?? 'wait',
        resolveRequest: async (v) => v.request,
        manifestCommit: async () => undefined,
        random: () => 0.5,
        retryDelayMs: RETRY_MS,
        pollDelayMs: () => POLL_MS,
        ...(spec.maxCostUsd !== undefined ? { maxCostUsd: spec.maxCostUsd } : {}),
      });
      controller.onReconcile?.((r) => void (r.step && passes.push({ name: r.name, step: r.step, at: Date.now() - start })));
      controller.on((e) => void events.push(e));
      controller.setDesired(spec.videos);
      const run: RunOutcome = { crashed: false };
      let settled = false;
      void controller
        .runToCompletion()
        .then(
          (s) => void (run.summary = s),
          (e: Error) => void (run.error = e),
        )
        .finally(() => (settled = true));
      // Fire timers one by one (each waits for the work it started). No timer left, not settled and a
      // 'hang' answered: the run is killed there. Bounded: a run that loops fails the test.
      for (let i = 0; !settled; i++) {
        if (i > 5000) throw new Error('the run did not settle within 5000 timer steps');
        await vi.advanceTimersToNextTimerAsync();
        if (settled || vi.getTimerCount() > 0) continue;
        // A few real turns of the event loop first (setImmediate is not faked): a state save gathers the
        // flushes of one turn before it starts (state/writer.ts), and a process killed by the hang would
        // have run it by then.
        for (let k = 0; k < 5 && !settled && vi.getTimerCount() === 0; k++) await new Promise((r) => setImmediate(r));
        if (settled || vi.getTimerCount() > 0) continue;
        if (hung) {
          run.crashed = true;
          break;
        }
        if (i > 4000) throw new Error('the run is stuck without a hang answer and without a timer');
      }
      runs.push(run);
      restoreTimers();
    }
  } finally {
    restoreTimers();
    vi.useRealTimers();
  }
  return { runs, state: (await store.read())!, calls, files, passes, events, mismatches: store.mismatches };
}
