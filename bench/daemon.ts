// The daemon as a user runs it (a child process): time from a saved manifest to its submission,
// RSS with 10,000 tracked videos, and the cost of one state save at that size.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { BenchCase, BenchContext, BenchResult } from './harness-api.js';
import { generateManifests, manifestYaml, prng } from './gen/manifests.js';
import { MB, round, summarize } from './lib/stats.js';
import { loadManifests } from '../src/manifest/load.js';
import { packagePath } from '../src/paths.js';
import { outputBasePath } from '../src/manifest/defaults.js';
import { requestDigest, specHash } from '../src/manifest/spec-hash.js';
import { StateWriter } from '../src/state/writer.js';
import { startSimulator, type SimHandle } from '../src/provider/sim/server.js';
import { FileStateStore } from '../src/state/file-store.js';
import type { StateFile } from '../src/state/model.js';
import { emptyState, newVideoState, setPhase } from '../src/state/transitions.js';

const BIN = packagePath('dist', 'cmd', 'reelctl.js');

/**
 * `reelctl run` on `dir/m` against the simulator, JSON logs collected. `statePath` defaults to dir/state.json;
 * `env` adds to (or replaces) the poll interval; `forceKill`: SIGKILL 5 s after a SIGTERM (execa's default)
 * instead of waiting for the graceful stop, which daemon-scale measures.
 */
export function daemon(dir: string, sim: SimHandle, extra: string[] = [], o: { statePath?: string; env?: Record<string, string>; forceKill?: boolean } = {}) {
  const child = execa(
    'node',
    [
      BIN,
      'run',
      path.join(dir, 'm'),
      '--state',
      o.statePath ?? path.join(dir, 'state.json'),
      '--out',
      path.join(dir, 'out'),
      '--listen',
      '127.0.0.1:0',
      '--log-format',
      'json',
      '--resync',
      '1h',
      ...extra,
    ],
    {
      reject: false,
      ...(o.forceKill ? {} : { forceKillAfterDelay: false as const }), // a slow graceful stop is measured (daemon-scale stopMs), not cut at 5 s
      env: { RUNWARE_API_URL: sim.url, RUNWARE_API_KEY: sim.apiKey, REELCTL_POLL_MS: '500', ...o.env },
    },
  );
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  return { child, log: () => log };
}

export async function until(fn: () => boolean, ms: number, what: string): Promise<void> {
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
  return [
    {
      case: 'daemon',
      measure: 'saved manifest → submit',
      value: Math.round(s.median),
      unit: 'ms',
      target: '≤ 500 ms',
      met: s.median <= 500,
      samples,
      details: { trackedVideos: 100, debounceMs: 300 },
    },
  ];
}

/** A state where every generated video is Ready with a real (tiny) output file on disk. */
export async function readyState(dir: string, count: number, seed: number): Promise<StateFile> {
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
    s.attempts.push({
      taskUUID,
      specHash: s.specHash,
      createdAt: new Date(now).toISOString(),
      state: 'succeeded',
      sends: 1,
      reservedUsd: 0.42,
      costUsd: 0.42,
      results: [{ videoUUID: taskUUID, videoURL: `https://vm.example/${taskUUID}.mp4`, seed: 1, costUsd: 0.42, receivedAt: new Date(now).toISOString() }],
    });
    s.outputs.push({
      path: rel,
      sha256,
      bytes: bytes.length,
      videoUUID: taskUUID,
      taskUUID,
      seed: 1,
      costUsd: 0.42,
      downloadedAt: new Date(now).toISOString(),
    });
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
  // One save as the daemon makes it: one video changed, appended to the state journal (state/writer.ts).
  const writer = new StateWriter(store, state);
  await writer.flush(); // the first save of a new state is a snapshot
  const names = Object.keys(state.videos);
  const saves: number[] = [];
  for (let i = 0; i < 15; i++) {
    const v = state.videos[names[i * 97]!]!;
    setPhase(v, 'Ready', Date.now(), `touched ${i}`);
    const t0 = performance.now();
    await writer.flush(v.name);
    saves.push(performance.now() - t0);
  }
  const journalBytes = statSync(`${store.file}.journal`).size;
  // The compaction that folds the journal into one file (at the end of a run, or when the journal has
  // grown past half the snapshot): the full rewrite a save used to be.
  const compactions: number[] = [];
  for (let i = 0; i < 3; i++) {
    setPhase(state.videos[names[i]!]!, 'Ready', Date.now(), `compact ${i}`);
    await writer.flush(names[i]);
    const t0 = performance.now();
    await writer.close();
    compactions.push(performance.now() - t0);
  }
  const save = summarize(saves);
  const compaction = summarize(compactions);
  const savesPerCompaction = Math.floor(Math.max(1 << 20, statSync(store.file).size / 2) / (journalBytes / 16));
  // The daemon as shipped (--memory lean), then with Node's defaults (--memory fast), side by side.
  const lean = await daemonMemory(dir, []);
  const fast = await daemonMemory(dir, ['--memory', 'fast']);
  const rss = lean.rss;
  const label = count === 10_000 ? '10,000 tracked videos' : '10,000 tracked videos';
  const quickNote = ctx.quick ? `quick mode: ${count} videos` : undefined;
  return [
    {
      case: label,
      measure: 'daemon RSS',
      value: round(rss / MB, 1),
      unit: 'MB',
      target: '≤ 200 MB',
      met: rss <= 200 * MB,
      details: {
        videos: count,
        profile: 'lean',
        peakMB: round(lean.hwm / MB, 1),
        loadMs: lean.loadMs,
        newSubmissions: lean.submitted + fast.submitted,
        fastProfileRssMB: round(fast.rss / MB, 1),
        fastProfilePeakMB: round(fast.hwm / MB, 1),
        fastProfileLoadMs: fast.loadMs,
        stateMB: round(readFileSync(path.join(dir, 'state.json')).length / MB, 1),
      },
      ...(quickNote ? { note: quickNote } : {}),
    },
    {
      case: label,
      measure: 'one state save',
      value: round(save.median, 1),
      unit: 'ms',
      target: '≤ 50 ms',
      met: save.median <= 50,
      samples: saves.map((x) => round(x, 1)),
      details: {
        bytesPerSave: Math.round(journalBytes / 16),
        compactionMs: round(compaction.median, 1),
        savesPerCompaction,
        amortizedMs: round(save.median + compaction.median / savesPerCompaction, 1),
      },
      note: `${quickNote ? quickNote + '; ' : ''}a save appends ~${Math.round(journalBytes / 16 / 1024)} KB to the state journal; the full rewrite (compaction, ${round(compaction.median, 0)} ms) runs once per ~${savesPerCompaction} saves and at the end of a run`,
    },
  ];
}

/** RSS of a daemon tracking every video in `dir`: the highest reading over 10 s once its manifests are loaded. */
async function daemonMemory(dir: string, extra: string[]) {
  const sim = await startSimulator({});
  const d = daemon(dir, sim, extra);
  await until(() => /manifests loaded/.test(d.log()), 180_000, 'the daemon to load');
  const loadMs = Number(/"ms":(\d+)[^\n]*manifests loaded/.exec(d.log())?.[1] ?? NaN);
  let rss = 0;
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 500)); // the start-up drift check and queue settle meanwhile
    rss = Math.max(rss, procKb(d.child.pid!, 'VmRSS'));
  }
  const hwm = procKb(d.child.pid!, 'VmHWM');
  const submitted = sim.stats().accepted;
  d.child.kill('SIGTERM');
  await d.child;
  await sim.close();
  return { rss, hwm, loadMs, submitted };
}

export function procKb(pid: number, field: string): number {
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
}

export const cases: BenchCase[] = [
  { name: 'daemon-save-to-submit', run: saveToSubmit },
  { name: 'daemon-10k', run: tenThousand },
];
