// `npm run bench [-- --quick] [-- --only NAME]`: runs every case, writes bench/results/latest.{json,md}.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchResult } from './harness-api.js';
import { buildReport, toMarkdown, writeReport } from './lib/report.js';

export interface RunOptions {
  quick: boolean;
  only?: string;
  outDir: string;
  command: string;
  log?: (m: string) => void;
  /** Removes a case's scratch directory (tests inject one that fails). */
  removeDir?: (dir: string) => Promise<void>;
}

/** Whether `c` runs: `--only` picks by substring; a quick-only case runs in a full run only when named exactly. */
export function selected(c: BenchCase, o: Pick<RunOptions, 'quick' | 'only'>): boolean {
  if (o.only && !c.name.includes(o.only)) return false;
  return !c.quickOnly || o.quick || o.only === c.name;
}

export function usage(cases: BenchCase[]): string {
  return [
    'Usage: npm run bench [-- --quick] [-- --only NAME]   (or: node dist/bench/run.js [--quick] [--only NAME])',
    '',
    'Runs the benchmark cases one after another and writes bench/results/latest.json and latest.md.',
    '',
    '  --quick       smaller inputs and fewer repeats (a CI smoke run)',
    '  --only NAME   only the cases whose name contains NAME',
    '  --help, -h    this text',
    '',
    'Cases:',
    ...cases.map((c) => `  ${c.name}${c.quickOnly ? '   (quick mode; in a full run only when named exactly with --only)' : ''}`),
    '',
  ].join('\n');
}

export async function runBench(cases: BenchCase[], o: RunOptions) {
  const log = o.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const removeDir = o.removeDir ?? ((dir: string) => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));
  const results: BenchResult[] = [];
  const errors: { case: string; error: string }[] = [];
  for (const c of cases) {
    if (!selected(c, o)) continue;
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
      await removeDir(tmpDir).catch((err: Error) => log(`  could not remove ${tmpDir}: ${err.message}`));
      log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
  const report = await buildReport(results, errors, o.quick, o.command);
  await writeReport(report, o.outDir);
  return report;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const { allCases } = await import('./cases.js');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage(allCases));
    process.exit(0);
  }
  const quick = args.includes('--quick');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  const unknown = args.filter((a, i) => a !== '--quick' && a !== '--only' && !(onlyAt >= 0 && i === onlyAt + 1));
  if (unknown.length > 0 || (onlyAt >= 0 && !only) || !allCases.some((c) => selected(c, { quick, ...(only ? { only } : {}) }))) {
    process.stderr.write(
      unknown.length ? `unknown argument: ${unknown.join(' ')}\n\n` : only ? `no case to run for --only ${only}\n\n` : '--only needs a NAME\n\n',
    );
    process.stderr.write(usage(allCases));
    process.exit(2);
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const report = await runBench(allCases, {
    quick,
    ...(only ? { only } : {}),
    outDir: path.join(root, 'bench', 'results'),
    command: `npm run bench${args.length ? ' -- ' + args.join(' ') : ''}`,
  });
  process.stdout.write(toMarkdown(report));
}
