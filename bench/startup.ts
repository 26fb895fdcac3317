// Start-up time of small commands, side by side with `node -e 0` in the same run (issue 19 item 7):
// --version, --help, completion and schema within 3× a bare node start, status within 4×.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchContext, BenchResult } from './harness-api.js';
import { round, summarize } from './lib/stats.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cmd', 'reelctl.js');

function wallMs(args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  if (r.error) throw r.error;
  return performance.now() - t0;
}

async function startupCase(ctx: BenchContext): Promise<BenchResult[]> {
  const repeats = ctx.quick ? 5 : 11;
  const commands: [string, string[], number][] = [
    ['--version', ['--version'], 3],
    ['--help', ['--help'], 3],
    ['completion bash', ['completion', 'bash'], 3],
    ['schema', ['schema'], 3],
    ['status (no state yet)', ['status'], 4],
  ];
  const out: BenchResult[] = [];
  for (const [label, args, target] of commands) {
    const ours: number[] = [];
    const bare: number[] = [];
    wallMs([BIN, ...args], ctx.tmpDir); // warm the page cache
    for (let i = 0; i < repeats; i++) {
      bare.push(wallMs(['-e', '0'], ctx.tmpDir));
      ours.push(wallMs([BIN, ...args], ctx.tmpDir));
    }
    const ratio = summarize(ours.map((x, i) => x / bare[i]!));
    const o = summarize(ours);
    const b = summarize(bare);
    out.push({
      case: `reelctl ${label}`,
      measure: 'start-up ÷ node -e 0',
      value: round(ratio.median, 2),
      unit: '×',
      target: `≤ ${target}×`,
      met: ratio.median <= target,
      samples: ratio.samples.map((x) => round(x, 2)),
      details: { medianMs: round(o.median, 1), minMs: round(o.min, 1), maxMs: round(o.max, 1), nodeMedianMs: round(b.median, 1) },
    });
  }
  return out;
}

export const cases: BenchCase[] = [{ name: 'startup', run: startupCase }];
