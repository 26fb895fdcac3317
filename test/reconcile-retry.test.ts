// retryLater: exponential backoff for a failing step, capped; apply gives up after N, the daemon never.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.js';
import { MAX_RETRY_DELAY_MS, retryLater, type RunState } from '../src/reconcile/context.js';

function run(giveUpAfter?: number) {
  const dirty: string[] = [];
  return {
    failures: new Map<string, number>(),
    gaveUp: new Set<string>(),
    ...(giveUpAfter !== undefined ? { giveUpAfter } : {}),
    state: { version: 1, serial: 1, lineage: 'l', videos: { a: { message: undefined } } },
    writer: { markDirty: (n: string) => dirty.push(n) },
  } as unknown as RunState;
}
const deps = { retryDelayMs: 1000, logger: silentLogger() };

describe('retryLater', () => {
  it('doubles the delay per consecutive failure up to a cap, and never gives up in the daemon', () => {
    const r = run();
    const delays = Array.from({ length: 12 }, () => (retryLater(r, deps, 'a', 'download', new Error('boom')) as { requeueAfterMs: number }).requeueAfterMs);
    expect(delays.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(delays.at(-1)).toBe(MAX_RETRY_DELAY_MS);
    expect(r.gaveUp.size).toBe(0);
    expect(r.state.videos.a!.message).toMatch(/download failed \(boom\); retry 12 in 300 s/);
  });

  it('in apply, gives the video up after N failures: no requeue, recorded as given up', () => {
    const r = run(3);
    expect(retryLater(r, deps, 'a', 'download', new Error('x'))).toEqual({ requeueAfterMs: 1000 });
    expect(retryLater(r, deps, 'a', 'download', new Error('x'))).toEqual({ requeueAfterMs: 2000 });
    expect(retryLater(r, deps, 'a', 'download', new Error('x'))).toBeUndefined();
    expect(r.gaveUp.has('a')).toBe(true);
    expect(r.state.videos.a!.message).toMatch(/failed 3 times.*given up for this run/);
  });
});
