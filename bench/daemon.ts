// The daemon as a user runs it (a child process): time from a saved manifest to its submission,
// RSS with 10,000 tracked videos, and the cost of one state save at that size.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { BenchCase, BenchContext, BenchResult } from './harness-api.js';
import { generateManifests, manifestYaml, prng } from './gen/manifests.js';
import { MB, round, summarize } from './lib/stats.js';
import { loadManifests } from '../src/manifest/load.js';
import { packagePath } from '../src/paths.js';
import { outputBasePath } from '../src/manifest/defaults.js';
import { requestDigest, specHash } from '../src/plan/spec-hash.js';
import { StateWriter } from '../src/reconcile/state-writer.js';
import { startSimulator, type SimHandle } from '../src/provider/sim/server.js';
import { FileStateStore } from '../src/state/file-store.js';
import type { StateFile } from '../src/state/model.js';
import { emptyState, newVideoState, setPhase } from '../src/state/transitions.js';

const BIN = packagePath('dist', 'cmd', 'reelctl.js');

function daemon(dir: string, sim: SimHandle) {
  const child = execa('node', [BIN, 'run', path.join(dir, 'm'), '--state', path.join(dir, 'state.json'), '--out', path.join(dir, 'out'), '--listen', '127.0.0.1:0', '--log-format', 'json', '--resync', '1h'], {
    reject: false,
    env: { RUNWARE_API_URL: sim.url, RUNWARE_API_KEY: sim.apiKey, REELCTL_POLL_MS: '500' },
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  return { child, log: () => log };
}

async function until(fn: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function saveToSubmit(ctx: BenchContext): Promise<BenchResult[]> {
  const dir = path.join(ctx.tmpDir, 'save');
  await generateManifests(path.join(dir, 'm'), { count: 100, seed: ctx.seed });
  const sim = await startSimulator({ latency: { minMs: 200, maxMs: 200 } });
  const d = daemon(dir, sim);
  await until(() => sim.stats().accepted >= 100 && /manifests loaded/.test(d.log()), 60_000, 'initial renders');
  const rand = prng(7);
  const samples: number[] = [];
  for (let i = 0; i < (ctx.quick ? 3 : 7); i++) {
    const before = sim.tasks().length;
    const t0 = Date.now();
    writeFileSync(path.join(dir, 'm', `new-${i}.yaml`), manifestYaml(50_000 + i, rand));
    await until(() => sim.tasks().length > before, 10_000, 'the new submission');
    samples.push(sim.tasks().at(-1)!.acceptedAt - t0);
    await new Promise((r) => setTimeout(r, 300));
  }
  d.child.kill('SIGTERM');
  await d.child;
  await sim.close();
  const s = summarize(samples);
  return [{ case: 'daemon', measure: 'saved manifest → submit', value: Math.round(s.median), unit: 'ms', target: '≤ 500 ms', met: s.median <= 500, samples, details: { trackedVideos: 100, debounceMs: 300 } }];
}

/** A state where every generated video is Ready with a real (tiny) output file on disk. */
async function readyState(dir: string, count: number, seed: number): Promise<StateFile> {
  await generateManifests(path.join(dir, 'm'), { count, seed });
  const { videos, problems } = await loadManifests([path.join(dir, 'm')]);
  if (problems.length) throw new Error(problems[0]!.message);
  const state = emptyState();
  mkdirSync(path.join(dir, 'out'), { recursive: true });
  const now = Date.now();
  for (const v of videos) {
    const rel = outputBasePath(v);
    const bytes = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypisom'), Buffer.from(v.name)]);
    writeFileSync(path.join(dir, 'out', rel), bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const s = newVideoState({ name: v.name, specHash: specHash(v), regenerate: 0, outputPath: rel, labels: v.labels, request: requestDigest(v) }, now);
    const taskUUID = `00000000-0000-4000-8000-${String(v.source.docIndex).padStart(12, '0')}`;
    s.attempts.push({ taskUUID, specHash: s.specHash, createdAt: new Date(now).toISOString(), state: 'succeeded', sends: 1, reservedUsd: 0.42, costUsd: 0.42, results: [{ videoUUID: taskUUID, videoURL: `https://vm.example/${taskUUID}.mp4`, seed: 1, costUsd: 0.42, receivedAt: new Date(now).toISOString() }] });
    s.outputs.push({ path: rel, sha256, bytes: bytes.length, videoUUID: taskUUID, taskUUID, seed: 1, costUsd: 0.42, downloadedAt: new Date(now).toISOString() });
    for (const p of ['Pending', 'Submitted', 'Running', 'Downloading', 'Ready'] as const) setPhase(s, p, now, undefined, taskUUID);
    s.costUsd = 0.42;
    state.videos[v.name] = s;
  }
  return state;
}

async function tenThousand(ctx: BenchContext): Promise<BenchResult[]> {
  const count = ctx.quick ? 2000 : 10_000;
  const dir = path.join(ctx.tmpDir, 'tracked');
  const state = await readyState(dir, count, ctx.seed);
  const store = new FileStateStore(path.join(dir, 'state.json'));
  // One save as the daemon makes it: one video changed, everything else cached (state-writer.ts).
  const writer = new StateWriter(store, state);
  await writer.flush();
  const names = Object.keys(state.videos);
  const saves: number[] = [];
  for (let i = 0; i < 9; i++) {
    const v = state.videos[names[i * 97]!]!;
    setPhase(v, 'Ready', Date.now(), `touched ${i}`);
    const t0 = performance.now();
    await writer.flush(v.name);
    saves.push(performance.now() - t0);
  }
  const save = summarize(saves);
  const sim = await startSimulator({});
  const d = daemon(dir, sim);
  await until(() => /manifests loaded/.test(d.log()), 120_000, 'the daemon to load');
  await new Promise((r) => setTimeout(r, 3000)); // let the start-up drift check and queue settle
  const status = readFileSync(`/proc/${d.child.pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024;
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)![1]) * 1024;
  const submitted = sim.stats().accepted;
  d.child.kill('SIGTERM');
  await d.child;
  await sim.close();
  const label = count === 10_000 ? '10,000 tracked videos' : '10,000 tracked videos';
  const quickNote = ctx.quick ? `quick mode: ${count} videos` : undefined;
  return [
    { case: label, measure: 'daemon RSS', value: round(rss / MB, 1), unit: 'MB', target: '≤ 200 MB', met: rss <= 200 * MB, details: { videos: count, peakMB: round(hwm / MB, 1), newSubmissions: submitted, stateMB: round(readFileSync(path.join(dir, 'state.json')).length / MB, 1) }, ...(quickNote ? { note: quickNote } : {}) },
    { case: label, measure: 'one state save', value: round(save.median, 1), unit: 'ms', target: '≤ 50 ms', met: save.median <= 50, samples: saves.map((x) => round(x, 1)), ...(quickNote ? { note: quickNote } : {}) },
  ];
}

export const cases: BenchCase[] = [
  { name: 'daemon-save-to-submit', run: saveToSubmit },
  { name: 'daemon-10k', run: tenThousand },
];
