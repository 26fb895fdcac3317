// Runs a Node script in a child process with process-report.js preloaded; returns its wall time, CPU and
// peak RSS (a fresh process each time: the peak RSS is that command's own, not the bench's).
import { execa } from 'execa';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ProcessFigures {
  wallMs: number;
  cpuMs: number;
  maxRssMB: number;
}

const reporter = fileURLToPath(new URL('./process-report.js', import.meta.url));

export async function measureProcess(script: string, args: string[], o: { cwd: string; env?: Record<string, string> }): Promise<ProcessFigures> {
  const report = path.join(o.cwd, `.bench-report-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  try {
    const r = await execa(process.execPath, ['--import', reporter, script, ...args], {
      cwd: o.cwd,
      env: { ...o.env, BENCH_REPORT: report },
      stdout: 'ignore',
      stderr: 'pipe',
      reject: false,
    });
    const got = JSON.parse(await readFile(report, 'utf8').catch(() => '{}')) as Partial<ProcessFigures> & { code?: number };
    if (r.exitCode !== 0 || got.code !== 0 || got.wallMs === undefined)
      throw new Error(`${path.basename(script)} ${args.join(' ')} exited ${r.exitCode}: ${r.stderr.slice(-500)}`);
    return { wallMs: got.wallMs, cpuMs: got.cpuMs!, maxRssMB: got.maxRssMB! };
  } finally {
    await rm(report, { force: true });
  }
}
