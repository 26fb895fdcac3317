// A large download from the simulator through the artifact store (stream, cap, hash, verify, fsync,
// rename), paired with a raw copy that also hashes (sha256) and fsyncs (bench/baselines/stream-copy.ts):
// the order alternates within each pair and the figure is the median of the paired ratios; and the RSS
// the download adds (issue 19 item 8).
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { BenchCase, BenchContext, BenchResult } from './harness-api.js';
import { rawCopy } from './baselines/stream-copy.js';
import { MB, peakRss, round, summarize, timeMs } from './lib/stats.js';
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
  let oursHash = '';
  const ours = async () => {
    const r = await store.download(url, 'big.mp4', 'mp4');
    if (r.bytes !== bytes) throw new Error(`got ${r.bytes} bytes`);
    oursHash = r.sha256;
    await rm(path.join(ctx.tmpDir, 'big.mp4'));
  };
  let rawHash = '';
  const raw = async () => {
    const r = await rawCopy(url, path.join(ctx.tmpDir, 'raw.bin'));
    if (r.bytes !== bytes) throw new Error(`raw copy got ${r.bytes} bytes`);
    rawHash = r.sha256;
    await rm(path.join(ctx.tmpDir, 'raw.bin'));
  };
  const repeats = ctx.quick ? 4 : 6;
  await ours();
  await raw();
  if (oursHash !== rawHash) throw new Error('reelctl and the raw copy hashed different bytes');
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < repeats; i++) {
    if (i % 2 === 0) {
      a.push(await timeMs(ours));
      b.push(await timeMs(raw));
    } else {
      b.push(await timeMs(raw));
      a.push(await timeMs(ours));
    }
  }
  // Throughput ratio of each pair: raw time ÷ our time.
  const ratio = summarize(a.map((x, i) => b[i]! / x));
  const mem = await peakRss(ours);
  await sim.close();
  const growth = (mem.peak - mem.before) / MB;
  const label = '1 GB download from the simulator';
  const mbps = (ms: number) => round(bytes / MB / (ms / 1000), 1);
  const note = ctx.quick ? { note: 'quick mode: 200 MB' } : {};
  const details = {
    bytes,
    pairs: repeats,
    oursMBps: mbps(summarize(a).median),
    rawMBps: mbps(summarize(b).median),
    oursMs: a.map((x) => round(x, 1)),
    rawMs: b.map((x) => round(x, 1)),
    min: round(ratio.min),
    max: round(ratio.max),
  };
  return [
    {
      case: label,
      measure: 'throughput ÷ raw copy (sha256 + fsync)',
      value: round(ratio.median),
      unit: '×',
      target: '≥ 0.9×',
      met: ratio.median >= 0.9,
      samples: ratio.samples.map((x) => round(x)),
      details,
      ...note,
    },
    {
      case: label,
      measure: 'RSS growth',
      value: round(growth, 1),
      unit: 'MB',
      target: '< 50 MB',
      met: growth < 50,
      samples: [round(growth, 1)],
      details: { beforeMB: round(mem.before / MB, 1), peakMB: round(mem.peak / MB, 1) },
      ...note,
    },
  ];
}

export const cases: BenchCase[] = [{ name: 'download', run: downloadCase }];
