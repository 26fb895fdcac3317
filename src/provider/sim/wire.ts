// The simulator's own writing of Runware's wire format, made from Runware's documentation apart from the
// client's reading of it (src/provider/runware/wire.ts, never imported here): when the two disagree, the
// contract suite sees it. The engine says what happened; this module says it the way the variant says it.
import type { SimVariant } from './variants.js';

export type SimItem = Record<string, unknown>;

/** An error as the engine reports it (rendered per variant below). */
export interface SimError {
  code: string;
  message: string;
  parameter?: string;
  taskUUID?: string;
  taskType?: string;
}

export interface SimResult {
  videoUUID: string;
  seed: number;
  cost: number;
  ext: string;
  expiresAt: number;
}

/** What getResponse knows about one task. */
export type SimPoll =
  | { kind: 'not-found' }
  | { kind: 'processing' }
  | { kind: 'failed'; code: string; message: string }
  | { kind: 'success'; results: SimResult[]; uploadEndpoint?: string };

/** One response body under construction: `{data, errors}`, either may stay empty. */
export class SimAnswer {
  readonly data: SimItem[] = [];
  readonly errors: SimItem[] = [];
  constructor(private readonly variants: ReadonlySet<SimVariant>) {}

  /** A submit's error item (a conflict loses its taskUUID in the taskless-conflicts variant). */
  submitError(e: SimError): void {
    if (e.code === 'conflictTaskUUID' && this.variants.has('taskless-conflicts')) {
      const { taskUUID: _dropped, ...rest } = e;
      this.errors.push({ ...rest, message: 'conflicting taskUUID: a task with this UUID already exists' });
    } else this.errors.push({ ...e });
  }

  /** getResponse for one task, written the way the variant writes it. */
  poll(taskUUID: string, r: SimPoll, origin: string): void {
    const v = this.variants;
    const item = { taskType: 'videoInference', taskUUID };
    if (r.kind === 'not-found') {
      const code = v.has('task-failed-or-not-found') ? 'taskFailedOrNotFound' : 'taskNotFound';
      return void this.errors.push({ code, message: `no task with taskUUID ${taskUUID}`, taskUUID, taskType: 'getResponse' });
    }
    if (r.kind === 'processing') return void this.data.push({ ...item, status: 'processing' });
    if (r.kind === 'failed') {
      if (v.has('task-failed-or-not-found'))
        return void this.errors.push({ code: 'taskFailedOrNotFound', message: `task ${taskUUID} failed or was not found`, taskUUID, taskType: 'getResponse' });
      if (v.has('nested-errors')) return void this.data.push({ ...item, status: 'error', error: { code: r.code, message: r.message } });
      if (v.has('toplevel-errors')) return void this.data.push({ ...item, status: 'error', code: r.code, message: r.message });
      return void this.errors.push({ code: r.code, message: r.message, taskUUID, taskType: 'videoInference' });
    }
    if (v.has('unknown-status')) return void this.data.push({ ...item, status: 'failed' });
    const results = v.has('extra-results') ? [...r.results, { ...r.results[0]!, videoUUID: `${r.results[0]!.videoUUID.slice(0, -4)}beef` }] : r.results;
    for (const x of results) {
      const url = r.uploadEndpoint && v.has('upload-no-url') ? undefined : `${origin}/_sim/videos/${x.videoUUID}.${x.ext}?exp=${Math.round(x.expiresAt)}`;
      this.data.push({
        ...item,
        status: 'success',
        videoUUID: x.videoUUID,
        ...(url ? { videoURL: url } : {}),
        seed: x.seed,
        cost: v.has('bad-cost') ? 1e304 : x.cost,
      });
    }
  }

  /** The status and body of the whole answer. */
  body(): { status: number; json: SimItem } {
    const status = this.data.length === 0 && this.errors.length > 0 ? 400 : 200;
    return { status, json: { ...(this.data.length ? { data: this.data } : {}), ...(this.errors.length ? { errors: this.errors } : {}) } };
  }
}
