// `npm run bench [-- --quick] [-- --only NAME]`: runs every case, writes bench/results/latest.{json,md}.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchResult } from './harness-api.js';
import { buildReport, toMarkdown, writeReport } from './lib/report.js';

export async function runBench(cases: BenchCase[], o: { quick: boolean; only?: string; outDir: string; command: string; log?: (m: string) => void }) {
  const log = o.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const results: BenchResult[] = [];
  const errors: { case: string; error: string }[] = [];
  for (const c of cases) {
    if (o.only && !c.name.includes(o.only)) continue;
    const tmpDir = await mkdtemp(path.join(os.tmpdir(), `reelctl-bench-${c.name}-`));
    const t0 = Date.now();
    log(`▶ ${c.name}`);
    try {
      const r = await c.run({ quick: o.quick, tmpDir, seed: 42, log });
      results.push(...r);
      for (const x of r) log(`  ${x.case} — ${x.measure}: ${x.value}${x.unit} (target ${x.target}) ${x.met ? 'met' : 'NOT met'}`);
    } catch (err) {
      errors.push({ case: c.name, error: (err as Error).message });
      log(`  error: ${(err as Error).message}`);
    } finally {
      // A case that failed may leave a child still writing into its directory: retry, and never let the
      // cleanup of one case end the whole run (its results so far are still written).
      await rm(tmpDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch((err: Error) =>
        log(`  could not remove ${tmpDir}: ${err.message}`),
      );
      log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
  const report = await buildReport(results, errors, o.quick, o.command);
  await writeReport(report, o.outDir);
  return report;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  const { allCases } = await import('./cases.js');
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const report = await runBench(allCases, {
    quick,
    ...(only ? { only } : {}),
    outDir: path.join(root, 'bench', 'results'),
    command: `npm run bench${args.length ? ' -- ' + args.join(' ') : ''}`,
  });
  process.stdout.write(toMarkdown(report));
}
