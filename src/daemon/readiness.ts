// Readiness as a pure function of the daemon's facts, so /readyz, /metrics and tests agree.
// Ready = running, state loaded and locked, a valid manifest set applied, provider breaker closed.
import type { Readiness } from './http.js';
import { ManifestReason, type ManifestCondition } from './reload.js';

export interface ReadinessFacts {
  stopping: boolean;
  /** createRuntime resolved: the state file was read and the lock is held. */
  stateLocked: boolean;
  manifestsApplied: boolean;
  breakerOpen: boolean;
  manifests: ManifestCondition;
  queueDepth: number;
}

/** How many located problems /readyz lists (the log has them all). */
const MAX_PROBLEMS = 50;

export function computeReadiness(f: ReadinessFacts): Readiness {
  const cond = f.manifests;
  const checks = { running: !f.stopping, state: f.stateLocked, manifests: f.manifestsApplied, provider: !f.breakerOpen };
  const reasons: Record<keyof typeof checks, string> = {
    running: 'shutting down',
    state: 'state not loaded / lock not held yet',
    manifests:
      cond.status === 'False'
        ? `manifests invalid: ${cond.message}${firstProblem(cond)}`
        : cond.status === 'Unknown' && cond.reason !== ManifestReason.NotLoaded
          ? cond.message
          : 'manifests not loaded yet',
    provider: 'provider circuit breaker open: submissions paused',
  };
  const failing = (Object.keys(checks) as (keyof typeof checks)[]).find((k) => !checks[k]);
  return {
    ready: failing === undefined,
    ...(failing ? { reason: reasons[failing] } : {}),
    checks,
    details: {
      conditions: {
        ManifestsValid: {
          status: cond.status,
          reason: cond.reason,
          message: cond.message,
          problems: cond.problems.slice(0, MAX_PROBLEMS).map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`),
          ...(cond.problems.length > MAX_PROBLEMS ? { moreProblems: cond.problems.length - MAX_PROBLEMS } : {}),
        },
      },
      videos: cond.videos,
      queueDepth: f.queueDepth,
    },
  };
}

/** The first located problem, so the reason alone says what to fix (or that the path is not there yet). */
function firstProblem(cond: ManifestCondition): string {
  const p = cond.problems[0];
  if (!p) return '';
  const hint = p.code === 'path.missing' ? ' (not there yet: is git-sync still cloning, or is the path wrong?)' : '';
  return ` — first: ${p.file}:${p.line}:${p.col}: ${p.message}${hint}`;
}
