import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { runBench } from '../../bench/run.js';
import { summarize } from '../../bench/lib/stats.js';
import { TARGETS } from '../../bench/lib/targets.js';

const tmp = tempDirs();

describe('bench harness', () => {
  it('writes JSON and Markdown, reports a failing case as an error, and lists unmeasured targets', async () => {
    const out = tmp('reelctl-bench-test-');
    const report = await runBench(
      [
        {
          name: 'plan-fake',
          run: async () => [
            { case: 'plan 1k manifests', measure: 'time ÷ parse floor', value: 1.2, unit: '×', target: '≤ 1.5×', met: true, samples: [1.1, 1.2, 1.3] },
          ],
        },
        {
          name: 'download',
          run: async () => {
            throw new Error('boom');
          },
        },
      ],
      { quick: true, outDir: out, command: 'test', log: () => undefined },
    );
    const json = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8'));
    expect(json.results).toHaveLength(TARGETS.length);
    expect(report.results.find((r) => r.case === 'plan 1k manifests')!.status).toBe('met');
    expect(report.results.find((r) => r.case === '1 GB download from the simulator')!.status).toBe('error');
    expect(report.results.find((r) => r.case === 'daemon')!.status).toBe('not measured');
    const md = readFileSync(path.join(out, 'latest.md'), 'utf8');
    expect(md).toContain('| plan 1k manifests | time ÷ parse floor | 1.2× | ≤ 1.5× | ✅ met | 1.1 / 1.2 / 1.3 |');
    expect(md).toMatch(/Measured \d{4}-\d\d-\d\d with `test` on \d+ cores/);
  });

  it('summarizes samples', () => {
    expect(summarize([3, 1, 2])).toMatchObject({ min: 1, median: 2, max: 3 });
    expect(summarize([4, 1, 2, 3]).median).toBe(2.5);
  });
});
