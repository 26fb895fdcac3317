// Issue 19 figures, CPU beside wall, measured side by side in one run:
//  - cold validate and cold plan of N manifests vs the yaml.parse floor (CPU target ≤ 1.0×)
//  - warm plan (parse cache beside the state, one manifest edited before each run) vs cold plan (≤ 0.35×)
import { readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchCase, BenchContext, BenchResult } from './harness-api.js';
import { generateManifests } from './gen/manifests.js';
import { parseFloor } from './baselines/parse-floor.js';
import { loadManifests } from '../src/manifest/load.js';
import { openParseCache } from '../src/manifest/parse-cache.js';
import { createPlan } from '../src/plan/planner.js';
import { cpuSideBySide, round } from './lib/stats.js';

type Pair = Awaited<ReturnType<typeof cpuSideBySide>>;

function rows(label: string, what: string, peer: string, p: Pair, target: number, note?: string): BenchResult[] {
  const details = {
    cpuMs: round(p.cpu.a.median, 1),
    peerCpuMs: round(p.cpu.b.median, 1),
    wallMs: round(p.wall.a.median, 1),
    peerWallMs: round(p.wall.b.median, 1),
    wallRatio: round(p.wall.ratio.median),
  };
  return [
    {
      case: label,
      measure: `${what} CPU (user+sys) ÷ ${peer}`,
      value: round(p.cpu.ratio.median),
      unit: '×',
      target: `≤ ${target}×`,
      met: p.cpu.ratio.median <= target,
      samples: p.cpu.ratio.samples.map((x) => round(x)),
      details,
      ...(note ? { note } : {}),
    },
    {
      case: label,
      measure: `${what} wall ÷ ${peer}`,
      value: round(p.wall.ratio.median),
      unit: '×',
      target: '(reported)',
      met: true,
      samples: p.wall.ratio.samples.map((x) => round(x)),
      details,
      ...(note ? { note } : {}),
    },
  ];
}

async function parseCpuCase(ctx: BenchContext): Promise<BenchResult[]> {
  const count = ctx.quick ? 3000 : 10_000;
  const dir = path.join(ctx.tmpDir, 'manifests');
  const files = await generateManifests(dir, { count, seed: ctx.seed });
  // Checked-out files are older than the racy window of the parse cache.
  const old = new Date(Date.now() - 3600_000);
  for (const f of files) await utimes(f, old, old);
  const note = ctx.quick ? `quick mode: ${count} manifests` : undefined;
  const label = `${count / 1000}k manifests`;
  const repeats = ctx.quick ? 2 : 3;
  const floor = () => parseFloor(files);
  const validate = async () => {
    const r = await loadManifests([dir]);
    if (r.problems.length) throw new Error(`generated manifests invalid: ${r.problems[0]!.message}`);
  };
  const coldPlan = async () => createPlan((await loadManifests([dir])).videos, null);
  const cacheFile = path.join(ctx.tmpDir, 'state', 'parse-cache.json');
  await (await import('node:fs/promises')).mkdir(path.dirname(cacheFile), { recursive: true });
  const warmPlan = async () => createPlan((await loadManifests([dir], { cache: await openParseCache(cacheFile, { version: 'bench' }) })).videos, null);
  let k = 0;
  const editOne = async () => {
    // One manifest edited (a new prompt word), as a user saving a file between two plans.
    const f = files[(k++ * 7919) % files.length]!;
    await writeFile(f, (await readFile(f, 'utf8')).replace('positivePrompt: "', `positivePrompt: "edit${k} `));
  };
  await warmPlan(); // fills the cache
  const v = await cpuSideBySide(validate, floor, repeats);
  const p = await cpuSideBySide(coldPlan, floor, repeats);
  const w = await cpuSideBySide(warmPlan, coldPlan, repeats, editOne);
  return [
    ...rows(`cold validate ${label}`, 'validate', 'yaml.parse floor', v, 1.0, note),
    ...rows(`cold plan ${label}`, 'plan', 'yaml.parse floor', p, 1.0, note),
    ...rows(`warm plan ${label}, one edited`, 'warm plan', 'cold plan', w, 0.35, note),
  ];
}

export const cases: BenchCase[] = [{ name: 'plan-cpu', run: parseCpuCase }];
