// Whole-number environment knobs (REELCTL_POLL_MS, REELCTL_PG_LOCK_TTL_MS, …): unset or empty means the
// default; anything else must be a whole number in range, or the command stops with a usage error naming the
// variable — a typo never silently becomes the default, and REELCTL_POLL_MS=-5 never polls in a tight loop.
import { UsageError } from './errors.js';

export function envInt(env: NodeJS.ProcessEnv, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < range.min || n > range.max)
    throw new UsageError(`${name} must be a whole number from ${range.min} to ${range.max}, got "${raw}"`);
  return n;
}
