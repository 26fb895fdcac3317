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
}

export interface PlanSummary {
  create: number;
  replace: number;
  delete: number;
  download: number;
  move: number;
  noop: number;
  suspended: number;
  estimatedCostUsd: number;
}

export interface Plan {
  changes: Change[];
  summary: PlanSummary;
}

export const hasChanges = (p: Plan): boolean => p.changes.some((c) => c.action !== 'noop' && c.action !== 'suspended');
