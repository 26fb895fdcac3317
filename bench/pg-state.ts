// The state in PostgreSQL side by side with the state file, on the same 10,000-video state: `plan` and
// `status` (read the state + build the plan / the table; the manifests are loaded once, outside the timing,
// since both backends share that part) and one state save as the daemon makes it (one video changed).
// Needs a PostgreSQL server: REELCTL_BENCH_PG_URL, else REELCTL_TEST_PG_URL, else the local default.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { BenchCase, BenchContext, BenchResult } from './harness-api.js';
import { readyState } from './daemon.js';
import { loadManifests } from '../src/manifest/load.js';
import { createPlan } from '../src/plan/planner.js';
import { statusTable } from '../src/cli/views/status.js';
import { FileStateStore } from '../src/state/file-store.js';
import { PgStateStore } from '../src/state/pg/store.js';
import type { StateStore } from '../src/state/model.js';
import { setPhase } from '../src/state/transitions.js';
import { StateWriter } from '../src/state/writer.js';
import { round, sideBySide, summarize } from './lib/stats.js';

const PG_URL = process.env.REELCTL_BENCH_PG_URL ?? process.env.REELCTL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function pgVsFile(ctx: BenchContext): Promise<BenchResult[]> {
  const count = ctx.quick ? 2000 : 10_000;
  const dir = path.join(ctx.tmpDir, 'pg');
  const state = await readyState(dir, count, ctx.seed);
  const { videos } = await loadManifests([path.join(dir, 'm')]);
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const u = new URL(PG_URL);
  u.searchParams.set('schema', schema);
  const file = new FileStateStore(path.join(dir, 'state.json'));
  const db = new PgStateStore(u.toString(), process.env);
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  let claimRate: number;
  try {
    await file.write(state);
    await db.write(state);
    const plan = (s: StateStore) => async () => createPlan(videos, await s.read());
    const status = (s: StateStore) => async () => statusTable(await s.read(), {}, Date.now(), {});
    const repeats = ctx.quick ? 3 : 5;
    const p = await sideBySide(plan(db), plan(file), repeats);
    const st = await sideBySide(status(db), status(file), repeats);
    // One save as the daemon makes it: one changed video, through the state writer (PostgreSQL: one
    // transaction rewriting that video's rows).
    const writer = new StateWriter(db, (await db.read())!);
    const names = Object.keys(writer.state.videos);
    const saves: number[] = [];
    for (let i = 0; i < 21; i++) {
      const name = names[(i * 97) % names.length]!;
      setPhase(writer.state.videos[name]!, 'Ready', Date.now(), `touched ${i}`);
      const t0 = performance.now();
      await writer.flush(name);
      saves.push(performance.now() - t0);
    }
    const save = summarize(saves);
    // Claim throughput: 3 replicas (3 pools) claiming every video in rounds of 100, SKIP LOCKED between them.
    const claimSchema = `${schema}_c`;
    const cu = new URL(PG_URL);
    cu.searchParams.set('schema', claimSchema);
    const replicas = [0, 1, 2].map(() => new PgStateStore(cu.toString(), process.env));
    try {
      await replicas[0]!.write({ ...state, serial: 0 });
      const claimers = replicas.map((r, i) => r.share({ replicaId: `bench-${i}`, epochs: new Map(), onFenced: () => undefined }));
      const all = Object.keys(state.videos);
      // A lease far longer than the run: a claim that expired mid-run (on a busy machine the rounds can take
      // longer than a short lease) would be taken again by another replica and counted twice.
      const ttlMs = 600_000;
      await claimers[0]!.claim(all, 0, ttlMs); // rows exist (claim() creates them); timing starts below
      const t0 = performance.now();
      let claimed = 0;
      await Promise.all(
        claimers.map(async (c) => {
          // A round can come back empty while the others hold the rows it looked at: go on until all are taken.
          // (`claimed += await …` would read the shared count before the await and lose the others' updates.)
          for (let i = 0; i < 1000 && claimed < all.length; i++) {
            const got = (await c.claim(all, 100, ttlMs)).length;
            claimed += got;
          }
        }),
      );
      claimRate = claimed / ((performance.now() - t0) / 1000);
      if (claimed !== all.length) throw new Error(`claimed ${claimed} of ${all.length}`);
    } finally {
      for (const r of replicas) await r.end();
      await admin.query(`DROP SCHEMA IF EXISTS "${claimSchema}" CASCADE`).catch(() => undefined);
    }
    const note = ctx.quick ? { note: `quick mode: ${count} videos` } : {};
    return [
      {
        case: 'plan 10k videos, PostgreSQL state',
        measure: 'time ÷ file state',
        value: round(p.ratio.median),
        unit: '×',
        target: '≤ 2×',
        met: p.ratio.median <= 2,
        samples: p.ratio.samples.map((x) => round(x)),
        details: { pgMs: round(p.a.median, 1), fileMs: round(p.b.median, 1), videos: count },
        ...note,
      },
      {
        case: 'status 10k videos, PostgreSQL state',
        measure: 'time ÷ file state',
        value: round(st.ratio.median),
        unit: '×',
        target: '≤ 2×',
        met: st.ratio.median <= 2,
        samples: st.ratio.samples.map((x) => round(x)),
        details: { pgMs: round(st.a.median, 1), fileMs: round(st.b.median, 1), videos: count },
        ...note,
      },
      {
        case: 'claim throughput, 3 replicas',
        measure: 'videos claimed per second',
        value: Math.round(claimRate),
        unit: '/s',
        target: '≥ 100/s',
        met: claimRate >= 100,
        details: { videos: count, batch: 100 },
        ...note,
      },
      {
        case: 'one state save, PostgreSQL state',
        measure: 'median',
        value: round(save.median, 1),
        unit: 'ms',
        target: '≤ 10 ms',
        met: save.median <= 10,
        samples: saves.map((x) => round(x, 1)),
        details: { videos: count, maxMs: round(save.max, 1) },
        ...note,
      },
    ];
  } finally {
    await db.end();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

export const cases: BenchCase[] = [{ name: 'pg-state', run: pgVsFile }];
