// Writes bench/results/latest.json and latest.md: date, machine, commit, and one row per target.
import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult } from '../harness-api.js';
import { summarize } from './stats.js';
import { TARGETS } from './targets.js';

export interface Report {
  date: string;
  command: string;
  machine: { cores: number; memoryGB: number; node: string; platform: string };
  commit: string;
  quick: boolean;
  results: (BenchResult & { status: 'met' | 'not met' | 'not measured' | 'error'; commit?: string; date?: string })[];
}

type Row = Report['results'][number];

/**
 * The rows of an earlier report to keep beside this run's (`--merge`): those of the cases this run did not
 * run, measured in the same mode, each already naming its commit and date. Rows without them (a report
 * written before rows carried them) and placeholders (not measured, error) are not kept.
 */
export function carriedRows(previous: Report, ran: ReadonlySet<string>, quick: boolean): Row[] {
  if (previous.quick !== quick) return [];
  return previous.results.filter(
    (r) =>
      r.benchCase !== undefined && !ran.has(r.benchCase) && r.commit !== undefined && r.date !== undefined && (r.status === 'met' || r.status === 'not met'),
  );
}

export async function buildReport(
  results: BenchResult[],
  errors: { case: string; error: string }[],
  quick: boolean,
  command: string,
  carried: Row[] = [],
  caseOrder: string[] = [],
): Promise<Report> {
  const commit = await execa('git', ['rev-parse', '--short', 'HEAD'], { reject: false }).then((r) => (r.exitCode === 0 ? r.stdout.trim() : 'unknown'));
  const date = new Date().toISOString();
  const fresh: Row[] = results.map((r) => ({ ...r, status: r.met ? 'met' : 'not met', commit, date }));
  // In the order the cases run: a kept row stands where its case would have printed it.
  const order = (r: Row) => (r.benchCase === undefined ? caseOrder.length : caseOrder.indexOf(r.benchCase));
  const rows: Row[] = [...fresh, ...carried]
    .map((r, i) => ({ r, i }))
    .sort((a, b) => order(a.r) - order(b.r) || a.i - b.i)
    .map((x) => x.r);
  for (const t of TARGETS)
    if (!rows.some((r) => r.case === t.case && r.measure === t.measure)) {
      const err = errors.find((e) => t.case.toLowerCase().includes(e.case.toLowerCase()) || e.case.toLowerCase().includes(t.case.toLowerCase()));
      rows.push({ ...t, value: NaN, unit: '', met: false, status: err ? 'error' : 'not measured', note: err ? err.error : 'no case measured it in this run' });
    }
  return {
    date,
    command,
    machine: { cores: os.cpus().length, memoryGB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.arch()}` },
    commit,
    quick,
    results: rows,
  };
}

export function toMarkdown(r: Report): string {
  const earlier = r.results.filter((x) => x.commit !== undefined && (x.commit !== r.commit || x.date?.slice(0, 10) !== r.date.slice(0, 10)));
  const lines = [
    `Measured ${r.date.slice(0, 10)} with \`${r.command}\` on ${r.machine.cores} cores, ${r.machine.memoryGB} GB, Node ${r.machine.node}, commit ${r.commit}${r.quick ? ' (quick mode: smaller inputs)' : ''}.` +
      (earlier.length > 0 ? ` Rows kept from an earlier run (\`--merge\`) say their own commit and date in the notes.` : ''),
    '',
    '| case | measure | value | target | status | min / median / max | notes |',
    '|---|---|---:|---|---|---|---|',
  ];
  for (const x of r.results) {
    const v = Number.isNaN(x.value) ? '—' : `${x.value}${x.unit === '×' ? '×' : ` ${x.unit}`}`;
    // The same median as the value's (the mean of the middle two for an even count).
    const spread = x.samples && x.samples.length > 0 ? spreadOf(x.samples) : '';
    const status = x.status === 'met' ? '✅ met' : x.status === 'not met' ? '❌ not met' : x.status === 'error' ? '⚠️ error' : '— not measured';
    const when = earlier.includes(x) ? `measured ${x.date!.slice(0, 10)} on commit ${x.commit}` : '';
    const note = [when, x.note ?? ''].filter((n) => n.length > 0).join('; ');
    // One table row: an error's message may hold newlines (a child's log tail) and pipes.
    lines.push(`| ${x.case} | ${x.measure} | ${v} | ${x.target} | ${status} | ${spread} | ${note.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n') + '\n';
}

function spreadOf(samples: number[]): string {
  const s = summarize(samples);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return `${r(s.min)} / ${r(s.median)} / ${r(s.max)}`;
}

export async function writeReport(r: Report, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'latest.json'), JSON.stringify(r, null, 2) + '\n');
  await writeFile(path.join(dir, 'latest.md'), toMarkdown(r));
}
