// `reelctl plan --json`: the contract shape (contract.md), stable for scripts.
import type { Plan } from '../model.js';

export function renderJson(plan: Plan): string {
  return (
    JSON.stringify({
      version: 1,
      changes: plan.changes.map((c) => ({
        name: c.name,
        action: c.action,
        reason: c.reason,
        estimatedCostUsd: c.estimatedCostUsd,
        ...(c.outputPath ? { outputPath: c.outputPath } : {}),
        ...(c.fromPath ? { fromPath: c.fromPath } : {}),
        ...(c.specHash ? { specHash: c.specHash } : {}),
      })),
      summary: plan.summary,
    }) + '\n'
  );
}
