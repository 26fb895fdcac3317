// The one error taxonomy of reelctl (docs/architecture.md, habit 3).
// Every error a user can see is a ReelctlError: a stable `code`, whether retrying can help,
// and where it applies a source location. The CLI prints `message` (one line) and maps `exitCode`.

export interface SourceLocation {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
}

export interface ReelctlErrorOptions {
  code: string;
  retryable?: boolean;
  cause?: unknown;
  location?: SourceLocation;
  exitCode?: number;
}

export class ReelctlError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly location?: SourceLocation;
  readonly exitCode: number;

  constructor(message: string, opts: ReelctlErrorOptions) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.retryable = opts.retryable ?? false;
    if (opts.location) this.location = opts.location;
    this.exitCode = opts.exitCode ?? 1;
  }

  /** `FILE:LINE:COL: message` when located, else the message. */
  format(): string {
    const l = this.location;
    return l ? `${l.file}:${l.line}:${l.col}: ${this.message}` : this.message;
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, message: this.message, retryable: this.retryable, ...(this.location ? { location: this.location } : {}) };
  }
}

/** One problem in a manifest. Loading and validation collect these; they are never thrown one by one. */
export interface ManifestProblem extends SourceLocation {
  message: string;
  code: string; // e.g. 'yaml.syntax', 'schema.required', 'rule.size', 'name.duplicate'
}

/** Thrown by commands when the manifests are invalid: carries every problem at once. */
export class ManifestError extends ReelctlError {
  readonly problems: ManifestProblem[];
  constructor(problems: ManifestProblem[]) {
    super(`${problems.length} problem(s) in manifests`, { code: 'manifest.invalid', exitCode: 1 });
    this.problems = problems;
  }
}

/** State file unusable (corrupt, newer version), or locked by another holder. */
export class StateError extends ReelctlError {}

/** Kinds of provider failure (docs/runware-protocol.md, reliability.md). */
export type ProviderFailureKind = 'transient' | 'terminal' | 'unknown-outcome' | 'already-accepted';

export interface ProviderErrorOptions extends ReelctlErrorOptions {
  kind: ProviderFailureKind;
  taskUUID?: string;
  parameter?: string;
  status?: number;
  retryAfterMs?: number;
}

export class ProviderError extends ReelctlError {
  readonly kind: ProviderFailureKind;
  readonly taskUUID?: string;
  readonly parameter?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  constructor(message: string, opts: ProviderErrorOptions) {
    super(message, { ...opts, retryable: opts.retryable ?? (opts.kind === 'transient' || opts.kind === 'unknown-outcome') });
    this.kind = opts.kind;
    if (opts.taskUUID !== undefined) this.taskUUID = opts.taskUUID;
    if (opts.parameter !== undefined) this.parameter = opts.parameter;
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), kind: this.kind, taskUUID: this.taskUUID, parameter: this.parameter, status: this.status };
  }
}

/** Download / verification / output-path problems. */
export class ArtifactError extends ReelctlError {}

/** A budget or safety guard stopped the run (exit 3). */
export class GuardError extends ReelctlError {
  constructor(message: string, code = 'guard.stopped') {
    super(message, { code, exitCode: 3 });
  }
}

/** Bad flags or arguments. */
export class UsageError extends ReelctlError {
  constructor(message: string) {
    super(message, { code: 'usage', exitCode: 1 });
  }
}

/** Errors of the disk itself: retrying cannot help until a person frees space or fixes permissions. */
const DISK_ERROR_CODES = new Set(['ENOSPC', 'EROFS', 'EDQUOT', 'EACCES', 'EPERM']);

export function diskErrorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && DISK_ERROR_CODES.has(e.code)) return e.code;
    if (typeof e.code === 'string' && e.code.startsWith('disk.')) return e.code.slice(5);
  }
  return undefined;
}
