// The reconciler against the simulator, side by side with the naive peer:
//  - API requests per finished video (200 videos, 30 s renders; --quick scales time by 1/10)
//  - makespan at concurrency C versus the ideal ceil(N/C) × L
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import type { BenchCase, BenchContext, BenchResult } from './harness-api.js';
import { naiveRun } from './baselines/naive-poller.js';
import { batchedRun } from './baselines/batched-script.js';
import { flushDisk } from './lib/flush-disk.js';
import { round, summarize } from './lib/stats.js';
import { systemClock } from '../src/clock.js';
import { silentLogger } from '../src/log.js';
import type { LoadedVideo } from '../src/manifest/model.js';
import { createProviderClient, downloadSlotsFor } from '../src/provider/client/client.js';
import { pollScheduleMs } from '../src/provider/client/backoff.js';
import { createRunwareProvider } from '../src/provider/runware/http-provider.js';
import { startSimulator, type SimOptions } from '../src/provider/sim/server.js';
import { createController } from '../src/reconcile/controller.js';
import { FileStateStore } from '../src/state/file-store.js';
import { emptyState } from '../src/state/transitions.js';
import { ArtifactStore } from '../src/store/artifacts.js';
import { checkOutputDir } from '../src/store/out-dir.js';

export function benchVideos(n: number): LoadedVideo[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `video-${i}`,
    labels: {},
    request: { model: 'klingai:kling-video@3-standard', positivePrompt: `bench video number ${i}, a calm lake at dawn`, width: 1280, height: 720, duration: 5 },
    output: {},
    suspend: false,
    regenerate: 0,
    source: { file: 'bench.yaml', line: 1, col: 1, docIndex: i },
    localInputs: [],
  }));
}

/**
 * Runs our controller on `n` videos, configured as `apply` configures it (cli/runtime.ts: download slots for
 * the concurrency, the poll schedule at the bench's interval, the state read and --out checked before the clock starts);
 * returns makespan and the simulator's request count.
 */
export async function runOurs(ctx: BenchContext, n: number, latencyMs: number, concurrency: number, scale: number, simOpts: SimOptions = {}) {
  const sim = await startSimulator({ ...simOpts, latency: { minMs: latencyMs, maxMs: latencyMs } });
  const dir = await mkdtemp(path.join(ctx.tmpDir, 'ours-'));
  const store = new FileStateStore(path.join(dir, 'state.json'));
  // As apply starts (cli/runtime.ts), before anything is timed: the state read through its store, --out checked.
  const state = (await store.read()) ?? emptyState();
  await checkOutputDir(path.join(dir, 'out'));
  const pollMs = 2000 * scale;
  const client = createProviderClient(createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey }), {
    pollRoundMs: pollMs,
    downloadConcurrency: downloadSlotsFor(concurrency),
  });
  const controller = createController({
    store,
    state,
    client,
    artifacts: new ArtifactStore(path.join(dir, 'out'), (u) => client.download(u)),
    clock: systemClock,
    logger: silentLogger(),
    concurrency,
    supersede: 'wait',
    resolveRequest: async (v) => v.request,
    manifestCommit: async () => undefined,
    random: Math.random,
    retryDelayMs: 1000 * scale,
    pollDelayMs: (k) => pollScheduleMs(k, { firstMs: pollMs, everyMs: pollMs }),
  });
  controller.setDesired(benchVideos(n));
  const t0 = Date.now();
  const sum = await controller.runToCompletion();
  const makespanMs = Date.now() - t0;
  const stats = sim.stats();
  await client.close();
  await sim.close();
  if (sum.ready !== n) throw new Error(`only ${sum.ready} of ${n} videos became Ready`);
  return { makespanMs, apiRequests: stats.requests, downloads: stats.downloads, accepted: stats.accepted };
}

/**
 * The simulator runs in the bench's own process, and its request validator is compiled on first use (about
 * 0.3 s of CPU): one dry-run task first, so that cost lands on no timed run — else it goes to whichever runs
 * first, and is the simulator's, not the client's.
 */
async function warmSimulator(): Promise<void> {
  const sim = await startSimulator();
  const task = { ...benchVideos(1)[0]!.request, taskType: 'videoInference', taskUUID: randomUUID(), deliveryMethod: 'async' };
  await fetch(sim.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sim.apiKey}`, 'x-runware-dry-run': '1' },
    body: JSON.stringify([task]),
  }).then((r) => r.text());
  await sim.close();
}

/**
 * Both peers once on a few short renders before anything is timed: the first timed run otherwise pays for
 * compiling its own code paths (~0.4 s of CPU for reelctl's controller, state writer and store on this
 * machine), and the peers after it find the in-process simulator's paths already compiled — a handicap of
 * run order, not of either peer.
 */
async function warmPeers(ctx: BenchContext): Promise<void> {
  await runOurs(ctx, 20, 100, 20, 0.05);
  await runPeer(ctx, batchedRun, 20, 100, 0.05);
}

/** A peer script (naive or batched) on its own simulator, same renders and poll interval: makespan and API requests. */
async function runPeer(ctx: BenchContext, peer: typeof batchedRun | typeof naiveRun, n: number, latency: number, scale: number) {
  const sim = await startSimulator({ latency: { minMs: latency, maxMs: latency } });
  const r = await peer(
    sim.url,
    sim.apiKey,
    benchVideos(n).map((v) => v.request),
    { pollMs: 2000 * scale, dir: await mkdtemp(path.join(ctx.tmpDir, 'peer-')) },
  );
  const requests = sim.stats().requests;
  await sim.close();
  return { makespanMs: r.makespanMs, requests };
}

async function requestsCase(ctx: BenchContext): Promise<BenchResult[]> {
  const n = 200;
  const scale = ctx.quick ? 0.1 : 1;
  const latency = 30_000 * scale;
  await warmSimulator();
  await warmPeers(ctx);
  // reelctl and the batched script (issue 19 item 6) in pairs, the order alternating so neither always runs
  // first; makespan is judged on the median of five paired differences, not on one pair (this machine's noise
  // is ±0.1 s a run; with three pairs, one noisy pair moved the median by as much as the gap being measured). The script is left as a careful script is: it never fsyncs (nor verifies, writes
  // sidecars or state); reelctl fsyncs the intent before each submit, every .part before its rename, and the
  // state before a video is acknowledged Ready.
  const pairs = ctx.quick ? 1 : 5;
  const oursRuns: Awaited<ReturnType<typeof runOurs>>[] = [];
  const batchedRuns: Awaited<ReturnType<typeof runPeer>>[] = [];
  // Each run starts with no dirty pages left by the one before (flush-disk.ts).
  const script = async () => {
    flushDisk();
    batchedRuns.push(await runPeer(ctx, batchedRun, n, latency, scale));
  };
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 1) await script();
    flushDisk();
    oursRuns.push(await runOurs(ctx, n, latency, n, scale));
    if (i % 2 === 0) await script();
  }
  const ours = oursRuns[0]!;
  const naive = await runPeer(ctx, naiveRun, n, latency, scale);
  const naiveRequests = naive.requests;
  const batchedRequests = Math.min(...batchedRuns.map((b) => b.requests));
  const ourRequests = Math.max(...oursRuns.map((o) => o.apiRequests));
  const perVideo = ourRequests / n;
  const ratio = naiveRequests / ourRequests;
  const behind = summarize(oursRuns.map((o, i) => (o.makespanMs - batchedRuns[i]!.makespanMs) / 1000));
  const details = {
    ourRequests,
    naiveRequests,
    batchedRequests,
    ourMakespanS: round(ours.makespanMs / 1000, 1),
    naiveMakespanS: round(naive.makespanMs / 1000, 1),
    pairs: oursRuns.map((o, i) => ({ oursS: round(o.makespanMs / 1000, 2), batchedS: round(batchedRuns[i]!.makespanMs / 1000, 2) })),
    renderS: latency / 1000,
    pollIntervalS: 2 * scale,
  };
  const batchedPerVideo = batchedRequests / n;
  const label = '200 videos, 30 s renders';
  const addedS = (ours.makespanMs - naive.makespanMs) / 1000;
  const pairText = details.pairs.map((p) => `${p.oursS} vs ${p.batchedS}`).join(', ');
  return [
    { case: label, measure: 'API requests per video', value: round(perVideo), unit: '', target: '≤ 0.25', met: perVideo <= 0.25, details },
    {
      case: label,
      measure: 'naive requests ÷ ours',
      value: round(ratio, 1),
      unit: '×',
      target: '≥ 50×',
      met: ratio >= 50,
      details,
      note: `makespan ${details.ourMakespanS} s vs naive ${details.naiveMakespanS} s`,
    },
    {
      case: label,
      measure: 'added latency vs naive',
      value: round(addedS, 2),
      unit: ' s',
      target: '≤ 1 poll interval',
      met: addedS <= details.pollIntervalS,
      details,
      note: `last video Ready ${details.ourMakespanS} s after start vs ${details.naiveMakespanS} s for the naive peer; one poll interval = ${details.pollIntervalS} s`,
    },
    // Side by side with the batched script, same run: the targets are its own figures (issue 19 item 6).
    {
      case: label,
      measure: 'API requests per video vs batched script',
      value: round(perVideo),
      unit: '',
      target: `≤ ${round(batchedPerVideo)} (batched script)`,
      met: perVideo <= batchedPerVideo,
      details,
      note: `ours ${ourRequests} requests (most of ${pairs} runs), batched script ${batchedRequests} (fewest)`,
    },
    {
      case: label,
      measure: 'makespan − batched script',
      value: round(behind.median, 2),
      unit: ' s',
      target: '≤ 0 s (median of paired runs)',
      met: behind.median <= 0,
      samples: behind.samples.map((x) => round(x, 2)),
      details,
      note: `${pairs} pair(s), ours vs script in s: ${pairText}; the script writes each file once with no fsync, no verification, no sidecar and no state, reelctl makes every intent and output durable before it goes on`,
    },
  ];
}

async function makespanCase(ctx: BenchContext): Promise<BenchResult[]> {
  const n = 200;
  const c = 50;
  const scale = ctx.quick ? 0.1 : 0.5;
  const latency = 30_000 * scale;
  const ideal = Math.ceil(n / c) * latency;
  const ours = await runOurs(ctx, n, latency, c, scale);
  const ratio = ours.makespanMs / ideal;
  return [
    {
      case: '200 videos at concurrency C',
      measure: 'makespan ÷ ideal',
      value: round(ratio),
      unit: '×',
      target: '≤ 1.15',
      met: ratio <= 1.15,
      details: { concurrency: c, latencyS: latency / 1000, idealS: ideal / 1000, makespanS: round(ours.makespanMs / 1000, 1) },
    },
  ];
}

/**
 * Batched getResponse is an optimisation, not an assumption (runware-protocol.md): requests per video when the
 * server answers batches, answers only their first task, or refuses them. Every video must finish exactly once
 * with a bounded number of requests: at most one poll per interval of the render, plus its submit and a few.
 */
async function pollVariantsCase(ctx: BenchContext): Promise<BenchResult[]> {
  const n = 50;
  const scale = ctx.quick ? 0.1 : 0.5;
  const latency = 30_000 * scale;
  const bound = Math.ceil(latency / (2000 * scale)) + 3;
  const rows: BenchResult[] = [];
  for (const variant of [undefined, 'poll-first-only', 'poll-batch-refused'] as const) {
    const r = await runOurs(ctx, n, latency, n, scale, variant ? { variants: [variant] } : {});
    const perVideo = r.apiRequests / n;
    const target = variant ? `≤ ${bound}, each video paid once` : '≤ 0.5, each video paid once';
    rows.push({
      case: `${n} videos, getResponse batches ${variant === undefined ? 'answered' : variant === 'poll-first-only' ? 'answered for the first task only' : 'refused (HTTP 400)'}`,
      measure: 'API requests per video',
      value: round(perVideo),
      unit: '',
      target,
      met: r.accepted === n && perVideo <= (variant ? bound : 0.5),
      details: { requests: r.apiRequests, accepted: r.accepted, renderS: latency / 1000, pollIntervalS: 2 * scale, makespanS: round(r.makespanMs / 1000, 1) },
    });
  }
  return rows;
}

export const cases: BenchCase[] = [
  { name: 'requests', run: requestsCase },
  { name: 'poll-variants', run: pollVariantsCase },
  { name: 'makespan', run: makespanCase },
];
