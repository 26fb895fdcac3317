import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { runBench, selected, usage } from '../../bench/run.js';
import { toMarkdown } from '../../bench/lib/report.js';
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
            throw new Error('boom\n{"msg":"a | b"}\n');
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
    // Every row of the table is one line, whatever its note held.
    for (const line of md.split('\n').slice(2)) if (line.length > 0) expect(line).toMatch(/^\|.*\|$/);
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

  it('a named-only case runs only when --only names it exactly, in either mode', () => {
    const c: BenchCase = { name: 'daemon-100k-tracked', namedOnly: true, run: async () => [] };
    expect(selected(c, { quick: false })).toBe(false);
    expect(selected(c, { quick: true })).toBe(false);
    expect(selected(c, { quick: false, only: 'daemon' })).toBe(false);
    expect(selected(c, { quick: false, only: 'daemon-100k-tracked' })).toBe(true);
    expect(usage([c])).toMatch(/daemon-100k-tracked +\(only when named exactly/);
  });

  it('--only and --skip take comma-separated names', () => {
    const c = (name: string): BenchCase => ({ name, run: async () => [] });
    expect(selected(c('plan-1k'), { quick: false, only: 'startup,plan-1k' })).toBe(true);
    expect(selected(c('startup'), { quick: false, only: 'startup,plan-1k' })).toBe(true);
    expect(selected(c('download'), { quick: false, only: 'startup,plan-1k' })).toBe(false);
    expect(selected(c('daemon-scale'), { quick: false, skip: 'daemon,pg' })).toBe(false);
    expect(selected(c('pg-state'), { quick: false, skip: 'daemon,pg' })).toBe(false);
    expect(selected(c('plan-10k'), { quick: false, skip: 'daemon,pg' })).toBe(true);
  });

  it('--merge keeps the rows of the cases not run (with their commit and date), replaces the ones re-run, and never mixes modes', async () => {
    const out = tmp('reelctl-bench-test-');
    const row = (caseName: string, value: number) => ({ case: caseName, measure: 'time ÷ parse floor', value, unit: '×', target: '≤ 1.5×', met: true });
    const first: BenchCase[] = [
      { name: 'plan-fake', run: async () => [row('plan 1k manifests', 1.1)] },
      { name: 'other-fake', run: async () => [row('plan 10k manifests', 1.3)] },
    ];
    await runBench(first, { quick: false, outDir: out, command: 'first', log: () => undefined });
    const before = JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8'));
    const kept = before.results.find((r: { case: string }) => r.case === 'plan 10k manifests');
    expect(kept).toMatchObject({ benchCase: 'other-fake', value: 1.3 });
    expect(kept.commit).toEqual(expect.any(String));
    // Re-run one case only: its row is replaced, the other case's row stays, in case order.
    const rerun: BenchCase[] = [{ name: 'plan-fake', run: async () => [row('plan 1k manifests', 0.9)] }, first[1]!];
    const merged = await runBench(rerun, { quick: false, only: 'plan-fake', merge: true, outDir: out, command: 'second', log: () => undefined });
    const measured = merged.results.filter((r) => r.status === 'met');
    expect(measured.map((r) => [r.case, r.value])).toEqual([
      ['plan 1k manifests', 0.9],
      ['plan 10k manifests', 1.3],
    ]);
    expect(measured[1]!.date).toBe(kept.date);
    // Without --merge, or in the other mode, nothing is kept.
    const alone = await runBench(rerun, { quick: true, only: 'plan-fake', merge: true, outDir: out, command: 'third', log: () => undefined });
    expect(alone.results.find((r) => r.case === 'plan 10k manifests')!.status).toBe('not measured');
  });

  it('the Markdown names the commit and date of a kept row', async () => {
    const out = tmp('reelctl-bench-test-');
    const old = { case: 'plan 10k manifests', measure: 'time ÷ parse floor', value: 1.3, unit: '×', target: '≤ 1.5×', met: true };
    const report = await runBench([{ name: 'a', run: async () => [] }], { quick: false, outDir: out, command: 't', log: () => undefined });
    report.results.push({ ...old, status: 'met', benchCase: 'b', commit: 'abc1234', date: '2026-01-02T00:00:00.000Z' });

    const md = toMarkdown(report);
    expect(md).toContain('Rows kept from an earlier run');
    expect(md).toMatch(/\| plan 10k manifests \|.*\| measured 2026-01-02 on commit abc1234 \|/);
  });

  it('usage names the flags and every case', () => {
    const text = usage([
      { name: 'plan', run: async () => [] },
      { name: 'daemon-50k-tracked', quickOnly: true, run: async () => [] },
    ]);
    expect(text).toContain('--quick');
    expect(text).toContain('--only NAMES');
    expect(text).toContain('--skip NAMES');
    expect(text).toContain('--merge');
    expect(text).toMatch(/^ {2}plan$/m);
    expect(text).toMatch(/^ {2}daemon-50k-tracked .*only when named/m);
  });

  it('summarizes samples', () => {
    expect(summarize([3, 1, 2])).toMatchObject({ min: 1, median: 2, max: 3 });
    expect(summarize([4, 1, 2, 3]).median).toBe(2.5);
  });
});
