// The provider edge. `Provider` is the driver contract (one call = one API request, batch in, batch out),
// implemented by the Runware HTTP client and by fakes; test/contracts/ runs one suite against all of them.
// `ProviderClient` is what the reconciler uses: lanes, retries, breaker and poll batching over a Provider.
import type { ProviderError } from '../errors.js';

/** One video to render. `request` is spec.request with local inputs already turned into data URIs. */
export interface VideoTask {
  taskUUID: string;
  request: Record<string, unknown>;
}

export type SubmitOutcome =
  /** Accepted now, or earlier (`conflictTaskUUID`): either way it is running remotely. */
  | { taskUUID: string; status: 'accepted'; alreadyAccepted?: boolean; costUsd?: number }
  /** Refused for good (invalid parameter, 401/402/403): nothing was charged. */
  | { taskUUID: string; status: 'rejected'; error: ProviderError }
  /** Sent, but no answer: poll it or re-send the same UUID. Never mint a new UUID for this. */
  | { taskUUID: string; status: 'unknown'; error: ProviderError };

export interface RemoteVideo {
  videoUUID: string;
  /** Absent when the output went to the request's `uploadEndpoint` instead. */
  videoURL?: string;
  seed?: number;
  cost?: number;
}

export type PollOutcome =
  | { taskUUID: string; status: 'processing' }
  /** `videos` holds every result item received so far (numberResults may deliver several). */
  | { taskUUID: string; status: 'success'; videos: RemoteVideo[] }
  /** Generation failed remotely (terminal). */
  | { taskUUID: string; status: 'failed'; error: ProviderError }
  /**
   * No usable answer: the API does not know the task (`error.code` says how: a "not found" code, final for
   * an acknowledged task — items.ts), sent no item for it (`no-answer`), or sent something outside the
   * protocol (`protocol.unknown-status`, `malformed-item`). The caller decides, knowing whether it was acknowledged.
   */
  | { taskUUID: string; status: 'unknown'; error?: ProviderError };

export interface DownloadResponse {
  /** 200, or 206 when `offset` was honoured. */
  status: number;
  body: AsyncIterable<Uint8Array>;
  contentLength?: number;
  contentType?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface Provider {
  submit(tasks: VideoTask[], opts?: RequestOptions & { dryRun?: boolean }): Promise<SubmitOutcome[]>;
  poll(taskUUIDs: string[], opts?: RequestOptions): Promise<PollOutcome[]>;
  download(url: string, opts?: RequestOptions & { offset?: number }): Promise<DownloadResponse>;
}

export interface ProviderClient {
  submit(task: VideoTask, opts?: RequestOptions): Promise<SubmitOutcome>;
  /** Coalesced: concurrent calls travel in one batched getResponse request. */
  poll(taskUUID: string, opts?: RequestOptions): Promise<PollOutcome>;
  download(url: string, opts?: RequestOptions & { offset?: number }): Promise<DownloadResponse>;
  /**
   * Lets a running task ride along in poll rounds that are sent anyway (filling a batch: no extra
   * request) between its own, backed-off polls. When a ride finds it finished, the outcome is kept for
   * its next poll() and `onSettled` is called, so the caller can look at once instead of at its next turn.
   */
  watch?(taskUUID: string, onSettled: () => void): void;
  /** Stops riding along (the task was abandoned or its video removed). */
  unwatch?(taskUUID: string): void;
  /**
   * Resolves, with the client clock's `elapsed()`, once every submit request in flight now has been
   * answered: renders accepted together are first polled a poll delay after the last of them was accepted.
   */
  submitsSettled?(): Promise<number>;
  /** True while the breaker pauses submits (polls continue). */
  readonly breakerOpen: boolean;
  /** Counters for /metrics and benches. */
  stats(): { requests: number; byOutcome: Record<string, number>; retries: number };
  close(): Promise<void>;
}
