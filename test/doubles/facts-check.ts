// What every state a test writes must hold (issue 18): conditions of the named types and reasons only
// (state/conditions.ts), and every settled cost marked with its source. The memory store refuses a write
// that breaks it; the e2e invariants check the state file of every real run the same way.
import { unknownConditions } from '../../src/state/conditions.js';
import type { StateFile } from '../../src/state/model.js';

export function factProblems(state: Pick<StateFile, 'videos'>): string[] {
  const out: string[] = [];
  for (const [name, v] of Object.entries(state.videos)) {
    for (const c of unknownConditions(v.conditions)) out.push(`${name}: condition ${c.type}/${c.reason} is not a named type and reason`);
    for (const a of v.attempts) if (a.costUsd !== undefined && !a.costSource) out.push(`${name}: attempt ${a.taskUUID} has a cost without its source`);
    if (v.attempts.some((a) => a.costSource) && !v.costSource) out.push(`${name}: a settled cost, but the total says nothing of its source`);
  }
  return out;
}
