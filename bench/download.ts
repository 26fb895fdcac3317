// A large download from the simulator through the artifact store (stream, hash, verify, fsync, rename),
// side by side with a raw stream copy; and the RSS it adds.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { BenchCase, BenchContext, BenchResult } from './harness-api.js';
import { rawCopy } from './baselines/stream-copy.js';
import { MB, peakRss, round, sideBySide } from './lib/stats.js';
import { createRunwareProvider } from '../src/provider/runware/http-provider.js';
import { startSimulator } from '../src/provider/sim/server.js';
import { ArtifactStore } from '../src/store/artifacts.js';

async function downloadCase(ctx: BenchContext): Promise<BenchResult[]> {
  const bytes = ctx.quick ? 200 * MB : 1024 * MB;
  const sim = await startSimulator({ latency: { minMs: 0, maxMs: 0 }, videoBytes: bytes });
  const provider = createRunwareProvider({ baseUrl: sim.url, apiKey: sim.apiKey });
  const taskUUID = randomUUID();
  await provider.submit([{ taskUUID, request: { model: 'klingai:kling-video@3-standard', positivePrompt: 'a big file', width: 1280, height: 720 } }]);
  const o = (await provider.poll([taskUUID]))[0]!;
  if (o.status !== 'success') throw new Error('simulator did not finish the task');
  const url = o.videos[0]!.videoURL!;
  const store = new ArtifactStore(ctx.tmpDir, (u) => provider.download(u));
  const ours = async () => {
    const r = await store.download(url, 'big.mp4', 'mp4');
    if (r.bytes !== bytes) throw new Error(`got ${r.bytes} bytes`);
    await rm(path.join(ctx.tmpDir, 'big.mp4'));
  };
  const raw = async () => {
    await rawCopy(url, path.join(ctx.tmpDir, 'raw.bin'));
    await rm(path.join(ctx.tmpDir, 'raw.bin'));
  };
  const t = await sideBySide(ours, raw, ctx.quick ? 2 : 3);
  const throughput = t.b.median / t.a.median; // time ratio inverted = our throughput ÷ raw
  const mem = await peakRss(ours);
  await sim.close();
  const growth = (mem.peak - mem.before) / MB;
  const label = '1 GB download from the simulator';
  const details = { bytes, oursMBps: round(bytes / MB / (t.a.median / 1000), 1), rawMBps: round(bytes / MB / (t.b.median / 1000), 1) };
  return [
    { case: label, measure: 'throughput ÷ raw stream copy', value: round(throughput), unit: '×', target: '≥ 0.8', met: throughput >= 0.8, samples: t.ratio.samples.map((x) => round(1 / x)), details, ...(ctx.quick ? { note: 'quick mode: 200 MB' } : {}) },
    { case: label, measure: 'RSS growth', value: round(growth, 1), unit: 'MB', target: '< 50 MB', met: growth < 50, details: { beforeMB: round(mem.before / MB, 1), peakMB: round(mem.peak / MB, 1) } },
  ];
}

export const cases: BenchCase[] = [{ name: 'download', run: downloadCase }];
