// The quick subset of the crash loop (the long run: npm run test:stress -- --cycles 200).
import { describe, expect, it } from 'vitest';
import { runCrashLoop } from '../../bench/stress/crash-loop.js';

describe('crash loop (quick runs)', () => {
  it('keeps I1–I7 through random edits, kills and API faults', async () => {
    const f = await runCrashLoop({ cycles: 20, seed: 20 });
    expect(f.failures).toEqual([]);
    expect(f.cycles).toBe(20);
    expect(f.crashesAtFailpoints + f.randomKills).toBeGreaterThan(5);
    expect(f.simFaultsInjected).toBeGreaterThan(0);
    expect(f.submissionsAccepted).toBeGreaterThan(4);
  }, 240_000);

  it('keeps I1–I8 with the simulator answering in protocol variants (5 cycles)', async () => {
    const f = await runCrashLoop({ cycles: 5, seed: 5, variants: ['taskless-conflicts', 'poll-first-only', 'nested-errors', 'dry-run-ignored'] });
    expect(f.failures).toEqual([]);
    expect(f).toMatchObject({ cycles: 5, duplicateSubmissions: 0, paidMarkedFailed: 0, spendOverCap: 0 });
    expect(f.dryRunsNotDry).toBeGreaterThan(0);
  }, 240_000);
});
