// Webhooks on vs off, side by side: the daemon (a child process, default poll cadence) renders the same
// videos against the simulator twice. getResponse tasks per video are counted on the simulator's side;
// detection latency is render end (the simulator's readyAt) → download start (the Downloading event), and
// with webhooks on also the webhook's arrival (receiver log) → download start. Render times are spread over
// one poll interval (the same seeded draws in both runs): with one fixed render time, polling's delay was
// wherever the 2 s rounds happened to fall against the renders' ends, set by the client's own timing.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchCase, BenchContext, BenchResult } from './harness-api.js';
import { daemon } from './daemon.js';
import { readyCounter } from './lib/log-lines.js';
import { round, summarize } from './lib/stats.js';
import { startSimulator } from '../src/provider/sim/server.js';

const yaml = (i: number) => `apiVersion: reelctl/v1
kind: Video
metadata:
  name: hook-${i}
spec:
  request:
    model: klingai:kling-video@3-standard
    positivePrompt: "bench webhook video ${i}, a calm lake at dawn"
    width: 1280
    height: 720
    duration: 5
`;

async function once(ctx: BenchContext, n: number, renderMs: number, pollMs: number, webhooks: boolean) {
  const dir = path.join(ctx.tmpDir, webhooks ? 'on' : 'off');
  await mkdir(path.join(dir, 'm'), { recursive: true });
  await writeFile(path.join(dir, 'm', 'videos.yaml'), Array.from({ length: n }, (_, i) => yaml(i)).join('---\n'));
  const sim = await startSimulator({ latency: { minMs: renderMs, maxMs: renderMs + pollMs }, seed: 19 });
  const state = path.join(dir, 'state', 'state.json');
  const flags = webhooks ? ['--webhook-listen', '127.0.0.1:0'] : [];
  // The daemon's default poll interval (2 s), the one webhooks are compared against.
  const d = daemon(dir, sim, ['--concurrency', String(n), ...flags], { statePath: state, env: { REELCTL_POLL_MS: String(pollMs) }, forceKill: true });
  const child = d.child;
  const ready = readyCounter(child.stderr);
  const end = Date.now() + 120_000;
  let getResponse: number;
  try {
    while (ready() < n) {
      if (Date.now() > end || child.exitCode !== null) throw new Error(`daemon did not finish (webhooks ${webhooks ? 'on' : 'off'}): ${d.log().slice(-300)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    getResponse = sim.stats().byTaskType.getResponse ?? 0;
  } finally {
    // Also when it did not finish: a daemon left running slowed every later case of the bench (issue 19 item 8).
    child.kill('SIGTERM');
    await child;
    await sim.close();
  }
  const events = readFileSync(path.join(dir, 'state', 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; name: string; to?: string; taskUUID?: string; at: string });
  const readyAt = new Map(sim.tasks().map((t) => [t.taskUUID, t.readyAt]));
  const taskOf = new Map(events.filter((e) => e.type === 'submitted').map((e) => [e.name, e.taskUUID!]));
  const woke = new Map<string, number>();
  for (const l of d.log().split('\n'))
    if (l.includes('"result":"woken"')) woke.set((JSON.parse(l) as { video: string }).video, (JSON.parse(l) as { time: number }).time);
  const detection: number[] = [];
  const hookToDownload: number[] = [];
  for (const e of events) {
    if (e.type !== 'phase' || e.to !== 'Downloading') continue;
    detection.push(Date.parse(e.at) - readyAt.get(taskOf.get(e.name)!)!);
    if (woke.has(e.name)) hookToDownload.push(Date.parse(e.at) - woke.get(e.name)!);
  }
  return {
    perVideo: getResponse / n,
    detection: summarize(detection),
    hookToDownload: hookToDownload.length ? summarize(hookToDownload) : undefined,
    hookSamples: hookToDownload,
  };
}

async function onVsOff(ctx: BenchContext): Promise<BenchResult[]> {
  const n = 20;
  const renderMs = ctx.quick ? 3000 : 10_000;
  const pollMs = 2000;
  const on = await once(ctx, n, renderMs, pollMs, true);
  const off = await once(ctx, n, renderMs, pollMs, false);
  const label = `webhooks, ${n} videos`;
  const details = {
    webhooksOn: { getResponsePerVideo: on.perVideo, detectionMedianMs: on.detection.median },
    webhooksOff: { getResponsePerVideo: off.perVideo, detectionMedianMs: off.detection.median, pollMs },
  };
  return [
    {
      case: label,
      measure: 'getResponse per video (webhooks on)',
      value: round(on.perVideo, 2),
      unit: '',
      target: '≤ 1.2',
      met: on.perVideo <= 1.2,
      details,
      note: `${renderMs / 1000}–${(renderMs + pollMs) / 1000} s renders; webhooks off (polling every ~2 s): ${round(off.perVideo, 2)} per video; getResponse tasks counted on the simulator`,
    },
    {
      case: label,
      measure: 'webhook → download start',
      value: Math.round(on.hookToDownload?.median ?? NaN),
      unit: 'ms',
      target: '≤ 500 ms',
      met: (on.hookToDownload?.median ?? Infinity) <= 500,
      samples: on.hookSamples,
    },
    {
      case: label,
      measure: 'render end → download start',
      value: Math.round(on.detection.median),
      unit: 'ms',
      target: '< webhooks off',
      met: on.detection.median < off.detection.median,
      details,
      note: `webhooks off: ${Math.round(off.detection.median)} ms median (max ${Math.round(off.detection.max)} ms); on: max ${Math.round(on.detection.max)} ms`,
    },
  ];
}

export const cases: BenchCase[] = [{ name: 'webhooks', run: onVsOff }];
