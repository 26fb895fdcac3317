import { describe, expect, it } from 'vitest';
import { computeReadiness, type ReadinessFacts } from '../../src/daemon/readiness.js';

const good: ReadinessFacts = {
  stopping: false,
  stateLocked: true,
  manifestsApplied: true,
  breakerOpen: false,
  manifests: { status: 'True', reason: 'Loaded', message: '1 video(s)', problems: [], videos: 1 },
  queueDepth: 0,
};

describe('computeReadiness', () => {
  it('is ready only when every check passes', () => {
    expect(computeReadiness(good)).toMatchObject({ ready: true, checks: { running: true, state: true, manifests: true, provider: true } });
    expect(computeReadiness(good).reason).toBeUndefined();
  });
  it.each([
    [{ stopping: true }, 'shutting down'],
    [{ stateLocked: false }, 'state not loaded / lock not held yet'],
    [{ manifestsApplied: false }, 'manifests not loaded yet'],
    [{ breakerOpen: true }, 'provider circuit breaker open: submissions paused'],
  ])('is not ready when %j, and says why', (over, reason) => {
    expect(computeReadiness({ ...good, ...over })).toMatchObject({ ready: false, reason });
  });
  it('lists at most 50 located problems and counts the rest', () => {
    const problems = Array.from({ length: 60 }, (_, i) => ({ file: 'm.yaml', line: i + 1, col: 1, code: 'x', message: 'bad' }));
    const r = computeReadiness({
      ...good,
      manifestsApplied: false,
      manifests: { status: 'False', reason: 'ManifestsInvalid', message: '60 problem(s)', problems, videos: 0 },
    });
    const mv = (r.details.conditions as { ManifestsValid: { problems: string[]; moreProblems: number } }).ManifestsValid;
    expect(mv.problems).toHaveLength(50);
    expect(mv.problems[0]).toBe('m.yaml:1:1: bad');
    expect(mv.moreProblems).toBe(10);
    expect(r.reason).toBe('manifests invalid: 60 problem(s) — first: m.yaml:1:1: bad');
  });
  it('says when the manifests path is not there yet', () => {
    const problems = [{ file: '/manifests/repo/manifests', line: 1, col: 1, code: 'path.missing', message: 'no such file or directory' }];
    const r = computeReadiness({
      ...good,
      manifestsApplied: false,
      manifests: { status: 'False', reason: 'ManifestsInvalid', message: '1 problem(s) in manifests; nothing applied yet', problems, videos: 0 },
    });
    expect(r.reason).toBe(
      'manifests invalid: 1 problem(s) in manifests; nothing applied yet — first: /manifests/repo/manifests:1:1: no such file or directory (not there yet: is git-sync still cloning, or is the path wrong?)',
    );
  });
});
