// The crash loop (`npm run test:stress -- --cycles 200`): random manifest edits, then an apply killed at a
// random failpoint or after a random delay (SIGKILL), against a simulator with faults on; then a fresh
// apply; then invariants I1–I8 are checked. Figures are written to bench/results/stress-latest.json.
// `--variant NAME[,NAME]` runs it against the simulator answering in those protocol variants
// (sim/variants.ts); with `dry-run-ignored`, every cycle also runs `plan --verify-remote` first.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pg from 'pg';
import { PgStateStore } from '../../src/state/pg/store.js';
import { FAILPOINTS } from '../../src/failpoints.js';
import { packagePath } from '../../src/paths.js';
import { canonicalJson } from '../../src/manifest/spec-hash.js';
import { estimateCostUsd } from '../../src/pricing/prices.js';
import { prng } from '../../src/provider/sim/prng.js';
import { startSimulator } from '../../src/provider/sim/server.js';
import { parseVariants, type SimVariant } from '../../src/provider/sim/variants.js';
import { checkOutputs, checkState, duplicateSubmissions, keyLeaks, paidMarkedFailed, strayFiles } from './invariants.js';

const BIN = packagePath('dist', 'cmd', 'reelctl.js');
const KEY = 'rw-stress-canary-4b1d9e7a2c';

interface Video {
  name: string;
  prompt: string;
  regenerate: number;
  label: string;
  path?: string;
  numberResults: number;
}

export interface StressFigures {
  date: string;
  command: string;
  cycles: number;
  crashesAtFailpoints: number;
  randomKills: number;
  simFaultsInjected: number;
  submissionsAccepted: number;
  duplicateSubmissions: number;
  outputsLost: number;
  unverifiedOutputs: number;
  corruptStates: number;
  keyLeaks: number;
  spendOverCap: number;
  paidMarkedFailed: number;
  variants: SimVariant[];
  dryRunsNotDry: number;
  unlocatedErrors: number;
  strayFiles: number;
  failures: string[];
}

const yaml = (v: Video) => `apiVersion: reelctl/v1
kind: Video
metadata:
  name: ${v.name}
  labels: { group: ${v.label} }
spec:
  regenerate: ${v.regenerate}
  request:
    model: klingai:kling-video@3-standard
    positivePrompt: "${v.prompt}"
    width: 960
    height: 960
    duration: 3
    numberResults: ${v.numberResults}
${v.path ? `  output:\n    path: ${v.path}\n` : ''}`;

// The same fields the manifest sends (the simulator records requests as sent, defaults not applied).
const request = (v: Video) =>
  canonicalJson({ model: 'klingai:kling-video@3-standard', positivePrompt: v.prompt, width: 960, height: 960, duration: 3, numberResults: v.numberResults });

/** The recorded profile (docs/reliability.md) and a harsher one (`--harsh`, ~40% of requests failing). */
const DEFAULT_FAULTS = {
  rate429: 0.08,
  rate5xx: 0.08,
  dropAfterAcceptRate: 0.08,
  malformedRate: 0.03,
  truncateRate: 0.08,
  generationFailureRate: 0.03,
  retryAfterSec: 0,
};
const HARSH = {
  rate429: 0.12,
  rate5xx: 0.12,
  dropAfterAcceptRate: 0.12,
  malformedRate: 0.04,
  truncateRate: 0.12,
  generationFailureRate: 0.03,
  retryAfterSec: 0,
};

export async function runCrashLoop(o: {
  cycles: number;
  seed?: number;
  harsh?: boolean;
  variants?: SimVariant[];
  log?: (m: string) => void;
  command?: string;
  pgUrl?: string;
}): Promise<StressFigures> {
  const log = o.log ?? (() => undefined);
  const rand = prng(o.seed ?? 2026);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  const dir = mkdtempSync(path.join(tmpdir(), 'reelctl-stress-'));
  const manifests = path.join(dir, 'manifests');
  mkdirSync(manifests);
  // --pg URL: the same loop on a PostgreSQL state (a fresh schema, dropped at the end).
  const pgSchema = `stress_${Math.floor(rand() * 1e9).toString(36)}_${process.pid}`;
  const statePath = o.pgUrl ? withSchema(o.pgUrl, pgSchema) : path.join(dir, 'state', 'state.json');
  const out = path.join(dir, 'outputs');
  const sim = await startSimulator({
    apiKey: KEY,
    latency: { minMs: 50, maxMs: 400 },
    seed: o.seed ?? 2026,
    faults: o.harsh ? HARSH : DEFAULT_FAULTS,
    variants: o.variants ?? [],
  });
  const env = { RUNWARE_API_URL: sim.url, RUNWARE_API_KEY: KEY, REELCTL_POLL_MS: '100', NO_COLOR: '1' };
  const f: StressFigures = {
    date: new Date().toISOString(),
    command: o.command ?? `crash loop, ${o.cycles} cycles`,
    cycles: 0,
    crashesAtFailpoints: 0,
    randomKills: 0,
    simFaultsInjected: 0,
    submissionsAccepted: 0,
    duplicateSubmissions: 0,
    outputsLost: 0,
    unverifiedOutputs: 0,
    corruptStates: 0,
    keyLeaks: 0,
    spendOverCap: 0,
    paidMarkedFailed: 0,
    variants: o.variants ?? [],
    dryRunsNotDry: 0,
    unlocatedErrors: 0,
    strayFiles: 0,
    failures: [],
  };
  const videos: Video[] = Array.from({ length: 4 }, (_, i) => ({
    name: `v${i}`,
    prompt: `stress video ${i} take 0`,
    regenerate: 0,
    label: 'a',
    numberResults: 1,
  }));
  const regens = new Map<string, Set<number>>();
  let nextId = videos.length;
  let prev = { serial: 0, lineage: undefined as string | undefined };
  const fail = (m: string) => {
    f.failures.push(`cycle ${f.cycles}: ${m}`);
    log(`  ✗ ${m}`);
  };
  const writeAll = () => {
    for (const file of readdirSync(manifests)) unlinkSync(path.join(manifests, file));
    for (const v of videos) {
      writeFileSync(path.join(manifests, `${v.name}.yaml`), yaml(v));
      const k = request(v);
      regens.set(k, (regens.get(k) ?? new Set()).add(v.regenerate));
    }
  };
  // Half the runs save through the state journal (which by default starts at 1,000 videos), so crashes
  // land mid-append too, and a run in one mode picks up what a killed run in the other left behind.
  const apply = (extra: string[] = [], more: Record<string, string> = {}) =>
    execa('node', [BIN, 'apply', manifests, '--state', statePath, '--out', out, '--concurrency', '3', ...extra], {
      reject: false,
      env: { ...env, ...(rand() < 0.5 ? { REELCTL_STATE_JOURNAL_MIN_VIDEOS: '0' } : {}), ...more },
      timeout: 120_000,
    });

  try {
    for (let c = 0; c < o.cycles; c++) {
      f.cycles = c + 1;
      // 1. a random edit, as a user would make in a pull request
      // Most edits change a spec, so most cycles have paid work in flight when the process dies.
      const edit = pick(['prompt', 'prompt', 'regenerate', 'results', 'add', 'remove', 'path', 'label'] as const);
      const v = pick(videos);
      if (edit === 'prompt') v.prompt = `${v.prompt.replace(/ take \d+$/, '')} take ${c + 1}`;
      else if (edit === 'regenerate') v.regenerate++;
      else if (edit === 'label') v.label = v.label === 'a' ? 'b' : 'a';
      else if (edit === 'path') v.path = v.path ? undefined : `moved/${v.name}.mp4`;
      else if (edit === 'results') v.numberResults = v.numberResults === 1 ? 2 : 1;
      else if (edit === 'add' && videos.length < 8)
        videos.push({ name: `v${nextId}`, prompt: `stress video ${nextId++} take 0`, regenerate: 0, label: 'a', numberResults: 1 });
      else if (edit === 'remove' && videos.length > 2) {
        videos.splice(videos.indexOf(v), 1);
        videos.push({ name: `v${nextId}`, prompt: `stress video ${nextId++} take 0`, regenerate: 0, label: 'a', numberResults: 1 });
      }
      writeAll();
      // 1b. an API that ignores the dry-run header: plan --verify-remote starts renders and records them
      if (o.variants?.includes('dry-run-ignored')) {
        const p = await execa('node', [BIN, 'plan', manifests, '--state', statePath, '--out', out, '--verify-remote'], { reject: false, env, timeout: 60_000 });
        if (/the dry run was not dry/.test(p.stderr)) f.dryRunsNotDry++;
        else if (p.exitCode !== 0) fail(`plan --verify-remote exited ${p.exitCode}: ${p.stderr.slice(-300)}`);
      }
      // 2. an apply that dies: at a failpoint, or killed after a random delay
      const cap = 2 + Math.floor(rand() * 3);
      const before = new Set(sim.tasks().map((t) => t.taskUUID));
      const started = Date.now();
      if (rand() < 0.5) {
        const fp = pick(FAILPOINTS);
        const r = await apply(['--max-cost', String(cap)], { REELCTL_FAILPOINT: `${fp}:crash` });
        if (r.signal === 'SIGKILL') f.crashesAtFailpoints++;
        log(`cycle ${c + 1}: ${edit}, crash at ${fp} → ${r.signal ?? r.exitCode}`);
        if (r.exitCode) log(`  its last log lines:\n${r.stderr.trim().split('\n').slice(-8).join('\n')}`);
      } else {
        const child = apply(['--max-cost', String(cap)]);
        const delay = Math.floor(rand() * 1500);
        const t = setTimeout(() => child.kill('SIGKILL'), delay);
        const r = await child;
        clearTimeout(t);
        if (r.signal === 'SIGKILL') f.randomKills++;
        log(`cycle ${c + 1}: ${edit}, kill after ${delay} ms → ${r.signal ?? r.exitCode}`);
      }
      // I6 for the killed run: spend of its new accepted tasks within its cap
      const spentKilled = sim
        .tasks()
        .filter((t) => !before.has(t.taskUUID) && t.acceptedAt >= started)
        .reduce((s, t) => s + estimateCostUsd(t.request as { model: string }), 0);
      if (spentKilled > cap + 1e-9) (f.spendOverCap++, fail(`spent ${spentKilled} over cap ${cap}`));
      // 3. a fresh apply (faults still on); an occasional bad save must be located, not crash
      if (c % 5 === 4) {
        writeFileSync(path.join(manifests, 'broken.yaml'), 'apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: Broken_Name\n  name: dup\n');
        const bad = await apply();
        const lines = bad.stderr.trim().split('\n').slice(0, -1);
        if (bad.exitCode !== 1 || lines.length === 0 || !lines.every((l) => /^[^:]+:\d+:\d+: /.test(l)) || /\n\s+at /.test(bad.stderr))
          (f.unlocatedErrors++, fail(`bad manifest not reported as FILE:LINE:COL: ${bad.stderr.slice(0, 200)}`));
        rmSync(path.join(manifests, 'broken.yaml'));
      }
      const before2 = new Set(sim.tasks().map((t) => t.taskUUID));
      const t2 = Date.now();
      const again = await apply(['--max-cost', '50', '--log-format', 'json']);
      const took = Date.now() - t2;
      // A fresh apply on a small state finishes in seconds; a minute means something retries forever.
      if (took > 60_000) fail(`fresh apply took ${Math.round(took / 1000)} s (stuck retrying?)`);
      if (took > 15_000) log(`  slow fresh apply: ${took} ms; its last log lines:\n${again.stderr.trim().split('\n').slice(-12).join('\n')}`);
      if (![0, 1].includes(again.exitCode ?? -1)) fail(`fresh apply exited ${again.exitCode}: ${again.stderr.slice(-300)}`);
      const spent2 = sim
        .tasks()
        .filter((t) => !before2.has(t.taskUUID) && t.acceptedAt >= t2)
        .reduce((s, t) => s + estimateCostUsd(t.request as { model: string }), 0);
      if (spent2 > 50) (f.spendOverCap++, fail(`spent ${spent2} over cap 50`));
      // 4. invariants
      const dups = duplicateSubmissions(sim, regens);
      if (dups.length) ((f.duplicateSubmissions += dups.length), fail(`duplicate submissions: ${dups.join('; ')}`));
      const st = o.pgUrl ? await checkPgState(statePath, prev) : checkState(statePath, prev);
      if (st.problem) (f.corruptStates++, fail(st.problem));
      if (st.state) prev = { serial: st.state.serial, lineage: st.state.lineage };
      const failedPaid = paidMarkedFailed(sim, st.state);
      if (failedPaid.length) ((f.paidMarkedFailed += failedPaid.length), fail(`paid renders marked Failed: ${failedPaid.join('; ')}`));
      const outs = checkOutputs(out, st.state);
      if (outs.unverified.length) ((f.unverifiedOutputs += outs.unverified.length), fail(`unverified: ${outs.unverified.join(', ')}`));
      if (again.exitCode === 0 && outs.lost.length) ((f.outputsLost += outs.lost.length), fail(`lost: ${outs.lost.join(', ')}`));
      const leaks = keyLeaks(KEY, o.pgUrl ? [out] : [out, path.dirname(statePath)], [again.stdout, again.stderr]);
      if (leaks.length) ((f.keyLeaks += leaks.length), fail(`key leaked: ${leaks.join(', ')}`));
      const stray = strayFiles(dir, ['manifests', 'state', 'outputs']);
      if (stray.length) ((f.strayFiles += stray.length), fail(`stray files: ${stray.join(', ')}`));
    }
  } finally {
    const s = sim.stats();
    f.simFaultsInjected = s.faultsInjected;
    f.submissionsAccepted = s.accepted;
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
    if (o.pgUrl) await dropSchema(o.pgUrl, pgSchema);
  }
  return f;
}

function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

/** I2 on a PostgreSQL state: it reads (schema-checked), serial never backwards, lineage fixed. */
async function checkPgState(url: string, prev: { serial: number; lineage?: string }): Promise<{ state?: any; problem?: string }> {
  const store = new PgStateStore(url, process.env);
  try {
    const state = await store.read();
    if (!state) return { problem: 'no state in PostgreSQL' };
    if (state.serial < prev.serial) return { state, problem: `serial went backwards ${prev.serial} → ${state.serial}` };
    if (prev.lineage && state.lineage !== prev.lineage) return { state, problem: `lineage changed ${prev.lineage} → ${state.lineage}` };
    return { state };
  } catch (err) {
    return { problem: `state does not read: ${(err as Error).message}` };
  } finally {
    await store.end();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url.replace(/\?.*$/, '') });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--cycles');
  const cycles = at >= 0 ? Number(args[at + 1]) : 50;
  const harsh = args.includes('--harsh');
  const v = args.indexOf('--variant');
  const variants = parseVariants(v >= 0 ? args[v + 1] : undefined);
  const pgAt = args.indexOf('--pg');
  const pgUrl =
    pgAt < 0
      ? undefined
      : args[pgAt + 1] && !args[pgAt + 1]!.startsWith('--')
        ? args[pgAt + 1]!
        : (process.env.REELCTL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const command = `npm run test:stress -- --cycles ${cycles}${harsh ? ' --harsh' : ''}${variants.length ? ` --variant ${variants.join(',')}` : ''}${pgUrl ? ' --pg' : ''}`;
  const figures = await runCrashLoop({ cycles, harsh, variants, log: (m) => process.stderr.write(m + '\n'), command, ...(pgUrl ? { pgUrl } : {}) });
  const root = packagePath();
  // The recorded figures are the plain runs' (file and PostgreSQL); a variant run prints its figures only
  // (docs/reliability.md quotes them).
  if (variants.length === 0) {
    mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(path.join(root, 'bench', 'results', pgUrl ? 'stress-pg-latest.json' : 'stress-latest.json'), JSON.stringify(figures, null, 2) + '\n');
  }
  process.stdout.write(JSON.stringify({ ...figures, failures: figures.failures.length }, null, 2) + '\n');
  process.exitCode = figures.failures.length ? 1 : 0;
}
