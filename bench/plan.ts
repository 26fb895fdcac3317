// Plan and validate over generated manifests, side by side with the parse floor (read + yaml parse).
import path from 'node:path';
import type { BenchCase, BenchContext, BenchResult } from './harness-api.js';
import { generateManifests } from './gen/manifests.js';
import { parseFloor } from './baselines/parse-floor.js';
import { loadManifests } from '../src/manifest/load.js';
import { createPlan } from '../src/plan/planner.js';
import { MB, peakRss, round, sideBySide } from './lib/stats.js';

async function planCase(ctx: BenchContext, count: number, label = count): Promise<BenchResult[]> {
  const dir = path.join(ctx.tmpDir, `plan-${count}`);
  const files = await generateManifests(dir, { count, seed: ctx.seed });
  const plan = async () => {
    const r = await loadManifests([dir]);
    if (r.problems.length) throw new Error(`generated manifests invalid: ${r.problems[0]!.message}`);
    return createPlan(r.videos, null);
  };
  const validate = async () => {
    const r = await loadManifests([dir]);
    if (r.problems.length) throw new Error('invalid');
  };
  const repeats = ctx.quick ? 2 : count >= 10_000 ? 3 : 5;
  const p = await sideBySide(plan, () => parseFloor(files), repeats);
  const { peak } = await peakRss(plan);
  const note = count !== label ? { note: `quick mode: ${count} manifests` } : {};
  const out: BenchResult[] = [
    {
      case: `plan ${label / 1000}k manifests`, measure: 'time ÷ parse floor', value: round(p.ratio.median), unit: '×', target: '≤ 1.5×', met: p.ratio.median <= 1.5,
      samples: p.ratio.samples.map((x) => round(x)),
      details: { planMs: round(p.a.median, 1), floorMs: round(p.b.median, 1), peakRssMB: round(peak / MB, 1) },
      ...note,
    },
  ];
  if (label >= 10_000) {
    out.push({ case: 'plan 10k manifests', measure: 'wall time', value: round(p.a.median / 1000, 2), unit: 's', target: '< 3 s', met: p.a.median < 3000, details: { min: p.a.min, max: p.a.max }, ...note });
    out.push({ case: 'plan 10k manifests', measure: 'peak RSS', value: round(peak / MB, 1), unit: 'MB', target: '< 300 MB', met: peak < 300 * MB, ...note });
    const v = await sideBySide(validate, () => parseFloor(files), repeats);
    out.push({ case: 'validate 10k manifests', measure: 'time ÷ parse floor', value: round(v.ratio.median), unit: '×', target: '≤ 2×', met: v.ratio.median <= 2, samples: v.ratio.samples.map((x) => round(x)), details: { validateMs: round(v.a.median, 1), floorMs: round(v.b.median, 1) }, ...note });
  }
  return out;
}

export const cases: BenchCase[] = [
  { name: 'plan-1k', run: (ctx) => planCase(ctx, 1000) },
  // --quick keeps CI smoke under 2 minutes: 3,000 manifests stand in for 10,000 (the rows say so).
  { name: 'plan-10k', run: async (ctx) => (await planCase(ctx, ctx.quick ? 3000 : 10_000, 10_000)) },
];
