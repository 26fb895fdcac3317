import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { runBench, selected, usage } from '../../bench/run.js';
import type { BenchCase } from '../../bench/harness-api.js';
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

  it("a case's temp-dir cleanup error is logged and the run goes on: later cases run, the report is written", async () => {
    const out = tmp('reelctl-bench-test-');
    const lines: string[] = [];
    const dirs: string[] = [];
    const ran: string[] = [];
    const fake = (name: string): BenchCase => ({
      name,
      run: async (ctx) => {
        ran.push(name);
        dirs.push(ctx.tmpDir);
        return [{ case: 'plan 1k manifests', measure: 'time ÷ parse floor', value: 1.2, unit: '×', target: '≤ 1.5×', met: true }];
      },
    });
    const report = await runBench([fake('first'), fake('second')], {
      quick: true,
      outDir: out,
      command: 'test',
      log: (m) => lines.push(m),
      removeDir: async (dir) => {
        rmSync(dir, { recursive: true, force: true }); // the test leaves nothing behind; the harness sees a failure
        if (dir === dirs[0]) throw new Error('EBUSY: resource busy or locked');
      },
    });
    expect(ran).toEqual(['first', 'second']);
    expect(lines).toContain(`  could not remove ${dirs[0]}: EBUSY: resource busy or locked`);
    expect(report.results.find((r) => r.case === 'plan 1k manifests')!.status).toBe('met');
    expect(existsSync(path.join(out, 'latest.json'))).toBe(true);
    for (const d of dirs) expect(existsSync(d)).toBe(false);
  });

  it('a quick-only case runs in quick mode, and in a full run only when --only names it exactly', () => {
    const c: BenchCase = { name: 'daemon-50k-tracked', quickOnly: true, run: async () => [] };
    const plain: BenchCase = { name: 'daemon-scale', run: async () => [] };
    expect(selected(c, { quick: true })).toBe(true);
    expect(selected(c, { quick: true, only: '50k' })).toBe(true);
    expect(selected(c, { quick: false })).toBe(false);
    expect(selected(c, { quick: false, only: 'daemon' })).toBe(false); // a full `--only daemon` runs 50k once, in daemon-scale
    expect(selected(c, { quick: false, only: 'daemon-50k-tracked' })).toBe(true);
    expect(selected(plain, { quick: false, only: 'daemon' })).toBe(true);
    expect(selected(plain, { quick: false, only: 'plan' })).toBe(false);
  });

  it('usage names the flags and every case', () => {
    const text = usage([
      { name: 'plan', run: async () => [] },
      { name: 'daemon-50k-tracked', quickOnly: true, run: async () => [] },
    ]);
    expect(text).toContain('--quick');
    expect(text).toContain('--only NAME');
    expect(text).toMatch(/^ {2}plan$/m);
    expect(text).toMatch(/^ {2}daemon-50k-tracked .*only when named/m);
  });

  it('summarizes samples', () => {
    expect(summarize([3, 1, 2])).toMatchObject({ min: 1, median: 2, max: 3 });
    expect(summarize([4, 1, 2, 3]).median).toBe(2.5);
  });
});
