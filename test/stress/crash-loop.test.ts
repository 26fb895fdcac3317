// The quick subset of the crash loop (the long run: npm run test:stress -- --cycles 200).
import { describe, expect, it } from 'vitest';
import { runCrashLoop } from '../../bench/stress/crash-loop.js';

describe('crash loop (20 cycles)', () => {
  it('keeps I1–I7 through random edits, kills and API faults', async () => {
    const f = await runCrashLoop({ cycles: 20, seed: 20 });
    expect(f.failures).toEqual([]);
    expect(f.cycles).toBe(20);
    expect(f.crashesAtFailpoints + f.randomKills).toBeGreaterThan(5);
    expect(f.simFaultsInjected).toBeGreaterThan(0);
    expect(f.submissionsAccepted).toBeGreaterThan(4);
  }, 240_000);
});
