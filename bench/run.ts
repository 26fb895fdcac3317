// `npm run bench [-- --quick] [-- --only NAMES] [-- --skip NAMES] [-- --merge]`: runs the cases, writes
// bench/results/latest.{json,md}.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchResult } from './harness-api.js';
import { buildReport, carriedRows, toMarkdown, writeReport, type Report } from './lib/report.js';

export interface RunOptions {
  quick: boolean;
  /** Comma-separated; a case runs when its name contains one of them. */
  only?: string;
  /** Comma-separated; a case whose name contains one of them does not run. */
  skip?: string;
  /** Keep the rows of the cases this run skips from the report already in outDir (same mode), each with its own commit and date. */
  merge?: boolean;
  outDir: string;
  command: string;
  log?: (m: string) => void;
  /** Removes a case's scratch directory (tests inject one that fails). */
  removeDir?: (dir: string) => Promise<void>;
}

/** Whether `c` runs: `--only` picks by substring; a quick-only case runs in a full run only when named exactly. */
export function selected(c: BenchCase, o: Pick<RunOptions, 'quick' | 'only' | 'skip'>): boolean {
  const only = names(o.only);
  if (only.length > 0 && !only.some((n) => c.name.includes(n))) return false;
  if (names(o.skip).some((n) => c.name.includes(n))) return false;
  if (c.namedOnly) return only.includes(c.name);
  return !c.quickOnly || o.quick || only.includes(c.name);
}

const names = (list: string | undefined): string[] => (list ?? '').split(',').filter((n) => n.length > 0);

export function usage(cases: BenchCase[]): string {
  return [
    'Usage: npm run bench [-- --quick] [-- --only NAMES] [-- --skip NAMES] [-- --merge]',
    '       (or: node dist/bench/run.js [--quick] [--only NAMES] [--skip NAMES] [--merge])',
    '',
    'Runs the benchmark cases one after another and writes bench/results/latest.json and latest.md.',
    '',
    '  --quick       smaller inputs and fewer repeats (a CI smoke run)',
    '  --only NAMES  only the cases whose name contains one of NAMES (comma-separated)',
    '  --skip NAMES  not the cases whose name contains one of NAMES (comma-separated)',
    '  --merge       keep the rows of the cases not run from the report already written (same mode);',
    '                each row says its commit and date',
    '  --help, -h    this text',
    '',
    'Cases:',
    ...cases.map(
      (c) =>
        `  ${c.name}${c.namedOnly ? '   (only when named exactly with --only)' : c.quickOnly ? '   (quick mode; in a full run only when named exactly with --only)' : ''}`,
    ),
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
      results.push(...r.map((x) => ({ ...x, benchCase: c.name })));
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
  const ran = new Set(cases.filter((c) => selected(c, o)).map((c) => c.name));
  const previous = o.merge ? await readReport(o.outDir) : undefined;
  const carried = previous ? carriedRows(previous, ran, o.quick) : [];
  const report = await buildReport(
    results,
    errors,
    o.quick,
    o.command,
    carried,
    cases.map((c) => c.name),
  );
  await writeReport(report, o.outDir);
  return report;
}

async function readReport(dir: string): Promise<Report | undefined> {
  const text = await readFile(path.join(dir, 'latest.json'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as Report);
}

/** `--flag VALUE` from argv, and the positions it took. */
function valueOf(args: string[], flag: string): { value: string | undefined; at: number } {
  const at = args.indexOf(flag);
  return { value: at >= 0 ? args[at + 1] : undefined, at };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const { allCases } = await import('./cases.js');
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage(allCases));
    process.exit(0);
  }
  const quick = args.includes('--quick');
  const merge = args.includes('--merge');
  const { value: only, at: onlyAt } = valueOf(args, '--only');
  const { value: skip, at: skipAt } = valueOf(args, '--skip');
  const taken = new Set([onlyAt, skipAt].filter((i) => i >= 0).flatMap((i) => [i, i + 1]));
  const unknown = args.filter((a, i) => a !== '--quick' && a !== '--merge' && !taken.has(i));
  const sel = { quick, ...(only ? { only } : {}), ...(skip ? { skip } : {}) };
  if (unknown.length > 0 || (onlyAt >= 0 && !only) || (skipAt >= 0 && !skip) || !allCases.some((c) => selected(c, sel))) {
    process.stderr.write(
      unknown.length
        ? `unknown argument: ${unknown.join(' ')}\n\n`
        : onlyAt >= 0 && !only
          ? '--only needs NAMES\n\n'
          : skipAt >= 0 && !skip
            ? '--skip needs NAMES\n\n'
            : 'no case to run with these --only/--skip\n\n',
    );
    process.stderr.write(usage(allCases));
    process.exit(2);
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const report = await runBench(allCases, {
    ...sel,
    merge,
    outDir: path.join(root, 'bench', 'results'),
    command: `npm run bench${args.length ? ' -- ' + args.join(' ') : ''}`,
  });
  process.stdout.write(toMarkdown(report));
}
