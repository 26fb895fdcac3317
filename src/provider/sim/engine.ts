// The simulator's model of Runware: accepted tasks, their async lifecycle, results and costs.
// Pure over an injected clock and seeded random, so tests can reason about exact outcomes.
import { randomUUID } from 'node:crypto';
import { validateRequest } from '../../manifest/validate-request.js';
import { estimateCostUsd, roundUsd } from '../../pricing/prices.js';
import type { SimError, SimItem, SimPoll, SimResult } from './wire.js';

export interface SimTask {
  taskUUID: string;
  request: Record<string, unknown>;
  acceptedAt: number;
  readyAt: number;
  fails: boolean;
  results: SimResult[];
}

export interface EngineOptions {
  latency: { minMs: number; maxMs: number };
  urlTtlMs?: number;
  generationFailureRate?: number;
  now: () => number;
  random: () => number;
}

const EXT: Record<string, string> = { MP4: 'mp4', WEBM: 'webm', MOV: 'mov' };

export class SimEngine {
  readonly tasks = new Map<string, SimTask>();
  readonly videos = new Map<string, { task: SimTask; index: number }>();
  constructor(public opts: EngineOptions) {}

  /** Validates and accepts one videoInference task; returns the data item or the error item. */
  submit(task: Record<string, unknown>, dryRun: boolean): { data?: SimItem; error?: SimError } {
    const taskUUID = typeof task.taskUUID === 'string' ? task.taskUUID : '';
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(taskUUID))
      return {
        error: {
          code: 'invalidTaskUUID',
          message: 'taskUUID must be a UUID v4',
          parameter: 'taskUUID',
          taskType: 'videoInference',
          ...(taskUUID ? { taskUUID } : {}),
        },
      };
    if (this.tasks.has(taskUUID))
      return { error: { code: 'conflictTaskUUID', message: `a task with taskUUID ${taskUUID} was already accepted`, taskUUID, taskType: 'videoInference' } };
    const problems = validateRequest(task, { wire: true });
    if (problems.length > 0) {
      const p = problems[0]!;
      return {
        error: {
          code: 'invalidParameter',
          message: p.message,
          parameter: p.pointer.slice(1).replace(/\//g, '.') || 'request',
          taskUUID,
          taskType: 'videoInference',
        },
      };
    }
    const { taskType: _t, taskUUID: _u, deliveryMethod: _d, includeCost: _c, ...request } = task;
    const cost = estimateCostUsd(request as { model: string });
    if (dryRun) return { data: { taskType: 'videoInference', taskUUID, cost } };
    const now = this.opts.now();
    const { minMs, maxMs } = this.opts.latency;
    const readyAt = now + minMs + this.opts.random() * Math.max(0, maxMs - minMs);
    const n = typeof request.numberResults === 'number' ? request.numberResults : 1;
    const ttlMs = typeof request.ttl === 'number' ? request.ttl * 1000 : (this.opts.urlTtlMs ?? 3_600_000);
    const ext = EXT[String(request.outputFormat ?? 'MP4')] ?? 'mp4';
    const t: SimTask = {
      taskUUID,
      request,
      acceptedAt: now,
      readyAt,
      fails: this.opts.random() < (this.opts.generationFailureRate ?? 0),
      results: Array.from({ length: n }, () => ({
        videoUUID: randomUUID(),
        seed: Math.floor(this.opts.random() * 2 ** 31),
        cost: roundUsd(cost / n),
        ext,
        expiresAt: readyAt + ttlMs,
      })),
    };
    this.tasks.set(taskUUID, t);
    t.results.forEach((r, index) => this.videos.set(r.videoUUID, { task: t, index }));
    return { data: { taskType: 'videoInference', taskUUID } };
  }

  /** What getResponse knows about one task (sim/wire.ts writes it down per variant). */
  poll(taskUUID: string): SimPoll {
    const t = this.tasks.get(taskUUID);
    if (!t) return { kind: 'not-found' };
    if (this.opts.now() < t.readyAt) return { kind: 'processing' };
    if (t.fails) return { kind: 'failed', code: 'generationFailed', message: 'the model could not generate this video (simulated failure)' };
    return { kind: 'success', results: t.results, ...(typeof t.request.uploadEndpoint === 'string' ? { uploadEndpoint: t.request.uploadEndpoint } : {}) };
  }
}
