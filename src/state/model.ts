// The state file's shape (schemas/state.schema.json is its source of truth on disk).
// State records only confirmed facts, plus the one deliberate exception: an `intent` attempt is
// written *before* the submit that spends money, so a crash can never lose a paid task UUID.
// The phase is derived from these facts (state/phase.ts); `phase` is still written for readers.
import type { ConditionType, Reason } from './conditions.js';
import type { Phase } from './phase.js';

export type { Phase } from './phase.js';

/** Version 3 marks every settled cost with its source (`costSource`). */
export const STATE_VERSION = 3;

/** Where a cost number comes from: the API's reported cost, or reelctl's estimate (the reservation). */
export type CostSource = 'api' | 'estimate';

export interface StateFile {
  version: number;
  /** Incremented by every successful write; never goes backwards. */
  serial: number;
  /** Random id fixed when the state is created; a state from another lineage is never overwritten. */
  lineage: string;
  videos: Record<string, VideoState>;
  /**
   * The daemon's `--max-cost`: at most `maxCostUsd` per rolling window of `windowHours`. The spend entries are
   * the attempts themselves (`createdAt`, reservation or cost), written with the intent before any send.
   */
  budget?: { maxCostUsd: number; windowHours: number; setAt: string };
}

export interface VideoState {
  name: string;
  /** Spec hash this entry is working toward (or has produced when Ready). */
  specHash: string;
  regenerate: number;
  phase: Phase;
  labels?: Record<string, string>;
  /** Where the manifest was last seen. */
  manifest?: { file: string; line: number };
  /** Output base path relative to --out (e.g. `alley/rainy.mp4`); numberResults > 1 adds -1..-N. */
  outputPath: string;
  /** Digest of the last desired request: short scalars as written, longer values as short hashes (plan diffs). */
  request?: Record<string, unknown>;
  /** Task intents for this video, oldest first. */
  attempts: Attempt[];
  /** Verified files of `specHash`. */
  outputs: OutputRecord[];
  /** Outputs of the spec this one superseded, kept until the new render is Ready. */
  previous?: { specHash: string; outputs: OutputRecord[] };
  /** Settled spend for this video across all attempts (USD). */
  costUsd: number;
  /** 'estimate' when any part of costUsd is an estimate, else 'api'; absent while nothing has settled. */
  costSource?: CostSource;
  conditions: Condition[];
  /** Short, bounded (the last few transitions); the full story is in the event log. */
  history: HistoryEntry[];
  message?: string;
  updatedAt: string;
  /** Written by a `--simulate` run: its renders and files are placeholders; a real run plans it as `create`. */
  simulated?: boolean;
  /** The manifest had spec.suspend when the video was last reconciled: it was left alone (phase Suspended). */
  suspended?: boolean;
}

export type AttemptState = 'intent' | 'accepted' | 'succeeded' | 'failed' | 'abandoned';

export interface Attempt {
  taskUUID: string;
  specHash: string;
  createdAt: string;
  state: AttemptState;
  /** `sha256:` of the exact request this UUID carries (reconcile/intent.ts); absent in older states. */
  requestHash?: string;
  /** Number of times this same UUID was sent (re-sends after unknown outcomes). */
  sends: number;
  /** Budget reserved before submit (USD), settled into costUsd from the API's cost. */
  reservedUsd: number;
  /**
   * The apply run that created it. A run that adopts unsettled attempts continues their run: everything that
   * run spent, before and after the crash, counts against one --max-cost.
   */
  run?: string;
  /** The git commit of the manifest when this task was submitted (provenance sidecars name it). */
  gitCommit?: string;
  /** The settled cost (USD), with its source: 'api' when the API reported it, 'estimate' when the reservation stands in. */
  costUsd?: number;
  costSource?: CostSource;
  /** The API's latest answer for this accepted task, when it said more than "accepted": 'processing' (phase Running). */
  lastPoll?: 'processing';
  results?: RemoteResult[];
  error?: { code: string; message: string; parameter?: string };
}

interface RemoteResult {
  videoUUID: string;
  /** Absent when the output went to the request's uploadEndpoint (then `deliveredTo` says where). */
  videoURL?: string;
  /** The uploadEndpoint (without its query: a presigned signature is never stored) that received it. */
  deliveredTo?: string;
  seed?: number;
  /** The cost the API reported for this result: always from the API (absent when it reported none). */
  costUsd?: number;
  receivedAt: string;
}

export interface OutputRecord {
  /** Relative to --out. */
  path: string;
  sha256: string;
  bytes: number;
  videoUUID: string;
  taskUUID: string;
  seed?: number;
  /** Copied from the result: the API's reported cost, never an estimate. */
  costUsd?: number;
  downloadedAt: string;
  /** The file's mtime (ns) and inode when its sha256 was last verified: unchanged (with `bytes`), no re-hash. */
  seen?: OutputSeen;
}

export interface OutputSeen {
  mtimeNs: string;
  ino: string;
}

export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: Reason;
  message: string;
  lastTransitionTime: string;
}

interface HistoryEntry {
  at: string;
  phase: Phase;
  specHash: string;
  taskUUID?: string;
  message?: string;
}

/** Holder of the exclusive state lock. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  command?: string;
  /** Random: makes every lock file's bytes unique (the takeover relies on it, state/lock.ts). */
  nonce?: string;
}

export interface StateLock {
  readonly holder: LockHolder;
  release(): Promise<void>;
}

export interface WriteOptions {
  /**
   * Serializer for the state being written (default: codec.encodeState), as pieces written one after the
   * other: a large state is never one string (issue 19: 50,000 records are ~90 MB of JSON, held as the
   * pieces, their join and its UTF-8 copy at once). The pieces are taken as they are written.
   */
  encode?: (s: StateFile) => Iterable<string>;
}

export interface AppendResult {
  serial: number;
  /** The journal's size after this append (the caller compacts when it grows). */
  journalBytes: number;
}

/** Terraform-style statemgr: read, write, lock. Implementations: file (state/file-store.ts), memory (tests). */
export interface StateStore {
  /** null when there is no state yet. Throws StateError on a corrupt or newer-version file (left untouched). */
  read(): Promise<StateFile | null>;
  /**
   * Atomically persists `next` (temp file, fsync, rename, fsync dir; previous kept as backup).
   * Sets serial = last written serial + 1 and returns what was written. Refuses a foreign lineage.
   */
  write(next: StateFile, opts?: WriteOptions): Promise<StateFile>;
  /** Exclusive lock; throws StateError naming the holder when another live process has it. */
  lock(command?: string): Promise<StateLock>;
  /**
   * Optional journal: durably records only the changed records (name → VideoState JSON, null = removed),
   * serial + 1. A later `write` (snapshot) folds the journal in. Stores without it always snapshot.
   */
  append?(changes: ReadonlyMap<string, string | null>): Promise<AppendResult>;
  /** Releases open handles (the data is already durable). */
  close?(): Promise<void>;
}
