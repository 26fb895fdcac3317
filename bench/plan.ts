// `reelctl plan` (and validate) of 1k, 10k, 50k (and 100k in the full run) generated manifests, each run as
// its own process beside the parse floor as a process (read + yaml.parse every file, one thread), in pairs
// of alternating order: wall time, CPU (user + sys of every thread: reelctl may parse on two), peak RSS, and
// the median of the paired ratios to the floor, CPU beside wall (issue 19 item 3: scale linearly).
import { mkdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchCase, BenchContext, BenchResult } from './harness-api.js';
import { generateManifests } from './gen/manifests.js';
import { measureProcess, type ProcessFigures } from './lib/measure-process.js';
import { round, summarize, type Summary } from './lib/stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'cmd', 'reelctl.js');
const floorScript = path.join(root, 'dist', 'bench', 'baselines', 'parse-floor-main.js');

interface Paired {
  ours: ProcessFigures[];
  floor: ProcessFigures[];
}

/** `repeats` pairs (ours, floor), the order alternating so drift and noise hit both alike. */
async function paired(ours: () => Promise<ProcessFigures>, floor: () => Promise<ProcessFigures>, repeats: number): Promise<Paired> {
  const p: Paired = { ours: [], floor: [] };
  for (let i = 0; i < repeats; i++) {
    if (i % 2 === 0) {
      p.ours.push(await ours());
      p.floor.push(await floor());
    } else {
      p.floor.push(await floor());
      p.ours.push(await ours());
    }
  }
  return p;
}

const ratios = (p: Paired, k: 'wallMs' | 'cpuMs'): Summary => summarize(p.ours.map((x, i) => x[k] / p.floor[i]![k]));
const of = (xs: ProcessFigures[], k: keyof ProcessFigures, scale = 1): Summary => summarize(xs.map((x) => x[k] / scale));

function row(c: string, measure: string, s: Summary, unit: string, target: string, met: boolean, extra: Partial<BenchResult> = {}): BenchResult {
  return {
    case: c,
    measure,
    value: round(s.median),
    unit,
    target,
    met,
    samples: s.samples.map((x) => round(x)),
    details: { min: round(s.min), max: round(s.max) },
    ...extra,
  };
}

/** Targets per size: the ratios hold at every size (linear scaling); wall and RSS where the issues set one. */
function rows(c: string, count: number, p: Paired): BenchResult[] {
  const wall = ratios(p, 'wallMs');
  const cpu = ratios(p, 'cpuMs');
  const rss = of(p.ours, 'maxRssMB');
  const wallS = of(p.ours, 'wallMs', 1000);
  const details = {
    floorWallS: round(of(p.floor, 'wallMs', 1000).median, 2),
    floorCpuS: round(of(p.floor, 'cpuMs', 1000).median, 2),
    floorPeakRssMB: round(of(p.floor, 'maxRssMB').median, 1),
  };
  // 10k: < 300 MB (issue 12); 50k: ≤ 300 MB (issue 19); met only when every run is within it.
  const rssTarget = count === 10_000 ? { t: '< 300 MB', ok: rss.max < 300 } : count === 50_000 ? { t: '≤ 300 MB', ok: rss.max <= 300 } : undefined;
  return [
    row(c, 'time ÷ parse floor', wall, '×', '≤ 1.5×', wall.median <= 1.5, {
      details: { ...details, min: round(wall.min), max: round(wall.max), cpuRatio: round(cpu.median) },
    }),
    row(c, 'CPU ÷ parse floor', cpu, '×', '≤ 1.5×', cpu.median <= 1.5, {
      details: { ...details, min: round(cpu.min), max: round(cpu.max), wallRatio: round(wall.median) },
    }),
    count === 10_000 ? row(c, 'wall time', wallS, 's', '< 3 s', wallS.median < 3) : row(c, 'wall time', wallS, 's', '(reported)', true),
    row(c, 'CPU time (user+sys)', of(p.ours, 'cpuMs', 1000), 's', '(reported)', true),
    rssTarget ? row(c, 'peak RSS', rss, 'MB', rssTarget.t, rssTarget.ok) : row(c, 'peak RSS', rss, 'MB', '(reported)', true),
  ];
}

async function planCase(ctx: BenchContext, count: number): Promise<BenchResult[]> {
  const dir = path.join(ctx.tmpDir, `plan-${count}`);
  const files = await generateManifests(dir, { count, seed: ctx.seed });
  // Checked-out files are older than the parse cache's racy window (so the cold plan also writes the cache).
  const old = new Date(Date.now() - 3600_000);
  for (const f of files) await utimes(f, old, old);
  let run = 0;
  // Each run is a cold CLI: a fresh state directory, so it parses every file and writes the parse cache.
  const cmd = (word: 'plan' | 'validate') => async () => {
    const state = path.join(ctx.tmpDir, `state-${count}-${run++}`);
    await mkdir(state, { recursive: true });
    return measureProcess(cli, ['--state', path.join(state, 'state.json'), word, dir], { cwd: ctx.tmpDir, env: { NO_COLOR: '1' } });
  };
  const floor = () => measureProcess(floorScript, [dir], { cwd: ctx.tmpDir });
  const repeats = ctx.quick ? 2 : 3;
  const label = `plan ${count / 1000}k manifests`;
  const out = rows(label, count, await paired(cmd('plan'), floor, repeats));
  ctx.log(`  ${label}: ${out.map((r) => `${r.measure} ${r.value}${r.unit}`).join(', ')}`);
  if (count === 10_000) {
    const v = await paired(cmd('validate'), floor, repeats);
    const wall = ratios(v, 'wallMs');
    const cpu = ratios(v, 'cpuMs');
    out.push(
      row('validate 10k manifests', 'time ÷ parse floor', wall, '×', '≤ 2×', wall.median <= 2, {
        details: { min: round(wall.min), max: round(wall.max), cpuRatio: round(cpu.median) },
      }),
    );
    out.push(
      row('validate 10k manifests', 'CPU ÷ parse floor', cpu, '×', '≤ 2×', cpu.median <= 2, {
        details: { min: round(cpu.min), max: round(cpu.max), wallRatio: round(wall.median) },
      }),
    );
    out.push(row('validate 10k manifests', 'peak RSS', of(v.ours, 'maxRssMB'), 'MB', '(reported)', true));
  }
  return out;
}

export const cases: BenchCase[] = [
  { name: 'plan-1k', run: (ctx) => planCase(ctx, 1000) },
  { name: 'plan-10k', run: (ctx) => planCase(ctx, 10_000) },
  { name: 'plan-50k', run: (ctx) => planCase(ctx, 50_000) },
  { name: 'plan-100k', run: async (ctx) => (ctx.quick ? [] : planCase(ctx, 100_000)) },
];
