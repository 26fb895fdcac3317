// Label selectors (`-l key=value`): equality only, all must match — kubectl's simplest form.

export function matchesSelector(labels: Record<string, string> | undefined, sel: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel)) if ((labels ?? {})[k] !== v) return false;
  return true;
}
