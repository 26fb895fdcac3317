// The plan's vocabulary (Terraform's plans.Action): one action per video and a human reason.

export const ACTIONS = ['create', 'replace', 'delete', 'download', 'move', 'noop', 'suspended'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Change {
  name: string;
  action: Action;
  reason: string;
  estimatedCostUsd: number;
  /** The spec hash the change moves to (absent for delete). */
  specHash?: string;
  /** Output base path relative to --out; `fromPath` for moves. */
  outputPath?: string;
  fromPath?: string;
  /** Top-level request fields that changed (replace). */
  changedFields?: string[];
  labels?: Record<string, string>;
  /**
   * Set when apply alone will not make this video right (Failed, a step given up, a drifted file that
   * cannot be fetched again): what a person should do. Counts as pending for `--detailed-exitcode`.
   */
  attention?: string;
}

export interface PlanSummary {
  create: number;
  replace: number;
  delete: number;
  download: number;
  move: number;
  noop: number;
  suspended: number;
  /** Videos that need a person (Change.attention), whatever their action. */
  attention: number;
  estimatedCostUsd: number;
}

export interface Plan {
  changes: Change[];
  summary: PlanSummary;
}

export const hasChanges = (p: Plan): boolean => p.changes.some((c) => c.action !== 'noop' && c.action !== 'suspended');

/** What `--detailed-exitcode` answers: work for apply, or a video a person must look at. */
export const needsAction = (p: Plan): boolean => hasChanges(p) || p.summary.attention > 0;
