// `reelctl plan --json`: the contract shape (contract.md), stable for scripts.
import { toSafeJson } from '../../text/escape.js';
import type { Plan } from '../../plan/model.js';

/** `extra` adds top-level fields (e.g. `remote` from --verify-remote); the contract's fields never change. */
export function renderJson(plan: Plan, extra: Record<string, unknown> = {}): string {
  return (
    toSafeJson({
      version: 1,
      changes: plan.changes.map((c) => ({
        name: c.name,
        action: c.action,
        reason: c.reason,
        estimatedCostUsd: c.estimatedCostUsd,
        ...(c.outputPath ? { outputPath: c.outputPath } : {}),
        ...(c.fromPath ? { fromPath: c.fromPath } : {}),
        ...(c.specHash ? { specHash: c.specHash } : {}),
        ...(c.attention ? { attention: c.attention } : {}),
      })),
      summary: plan.summary,
      ...extra,
    }) + '\n'
  );
}
