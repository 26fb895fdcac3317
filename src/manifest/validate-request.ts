// Validation of a bare videoInference request (no file positions): schema + model rules.
// The simulator uses it so that it refuses exactly what `reelctl validate` refuses.
import { checkRequestRules, type RuleProblem } from './rules.js';
import { checkRequestSchema } from './schema-check.js';

export function validateRequest(request: unknown, opts: { wire?: boolean } = {}): RuleProblem[] {
  return [...checkRequestSchema(request, opts), ...checkRequestRules(request, opts)];
}
