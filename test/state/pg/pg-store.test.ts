import { describe, expect, it } from 'vitest';
import { PgStateStore } from '../../../src/state/pg/store.js';
import { SCHEMA_VERSION } from '../../../src/state/pg/migrations.js';
import { ConditionType, Reason } from '../../../src/state/conditions.js';
import { emptyState, newVideoState, setCondition } from '../../../src/state/transitions.js';
import { STATE_VERSION, type StateFile } from '../../../src/state/model.js';
import { stateStoreContract, writeGuardContract } from '../store-contract.js';
import { usePg } from './pg-helper.js';

const db = usePg();

function store(url = db.fresh().url, env: NodeJS.ProcessEnv = {}): PgStateStore {
  const s = new PgStateStore(url, env);
  db.onCleanup(() => s.end());
  return s;
}

stateStoreContract('postgres', () => store());
writeGuardContract('postgres', () => store());

function withVideos(lineage: string, n: number): StateFile {
  const s = emptyState(lineage);
  for (let i = 0; i < n; i++) {
    const v = newVideoState({ name: `v${i}`, specHash: `sha256:${i}`, regenerate: 0, outputPath: `v${i}.mp4`, labels: { team: 'a' } }, 0);
    v.attempts.push({
      taskUUID: `00000000-0000-4000-8000-00000000000${i}`,
      specHash: v.specHash,
      createdAt: new Date(0).toISOString(),
      state: 'succeeded',
      sends: 1,
      reservedUsd: 0.5,
      costUsd: 0.42,
    });
    v.outputs.push({
      path: `v${i}.mp4`,
      sha256: 'ab'.repeat(32),
      bytes: 1000 + i,
      videoUUID: `vid-${i}`,
      taskUUID: v.attempts[0]!.taskUUID,
      downloadedAt: new Date(0).toISOString(),
    });
    s.videos[v.name] = v;
  }
  return s;
}

describe('PgStateStore on the real server', () => {
  it('round-trips the facts of state v3: cost sources, lastPoll, suspended, a DownloadFailed condition', async () => {
    const { url } = db.fresh();
    const st = withVideos('lin-facts', 2);
    const [v0, v1] = [st.videos.v0!, st.videos.v1!];
    Object.assign(v0.attempts[0]!, { state: 'abandoned', costSource: 'estimate' });
    v0.costSource = 'estimate';
    v0.attempts.push({
      taskUUID: 't-live',
      specHash: v0.specHash,
      createdAt: new Date(0).toISOString(),
      state: 'accepted',
      sends: 1,
      reservedUsd: 0.42,
      lastPoll: 'processing',
    });
    v1.attempts[0]!.costSource = 'api';
    v1.costSource = 'api';
    v1.suspended = true;
    setCondition(v1, ConditionType.DownloadFailed, 'True', Reason.DownloadRefused, 'x', 0);
    const w = await store(url).write(st);
    const back = await store(url).read();
    expect(back).toEqual(w);
    expect([back!.videos.v0!.attempts.map((a) => a.costSource), back!.videos.v0!.costSource]).toEqual([['estimate', undefined], 'estimate']);
  });

  it('a version-2 state in PostgreSQL is read with its costs marked (migrated on read)', async () => {
    const { url, schema } = db.fresh();
    await store(url).write(withVideos('lin-v2', 1)); // attempts settled without a source, as version 2 wrote them
    await db.query(`UPDATE "${schema}".state_meta SET version = 2`);
    const back = await store(url).read();
    expect(back!.version).toBe(STATE_VERSION);
    expect([back!.videos.v0!.attempts[0]!.costSource, back!.videos.v0!.costSource]).toEqual(['estimate', 'estimate']); // no result reported a cost
  });

  it('keeps one row per video, attempt and output, and the serial + lineage in state_meta', async () => {
    const { url, schema } = db.fresh();
    const s = store(url);
    const w = await s.write(withVideos('lin-rows', 3));
    const count = async (t: string) => Number((await db.query(`SELECT count(*) AS n FROM "${schema}".${t}`)).rows[0]!.n);
    expect([await count('videos'), await count('attempts'), await count('outputs')]).toEqual([3, 3, 3]);
    const meta = (await db.query(`SELECT serial, lineage FROM "${schema}".state_meta`)).rows[0]!;
    expect([Number(meta.serial), meta.lineage]).toEqual([w.serial, 'lin-rows']);
    expect((await db.query(`SELECT task_uuid FROM "${schema}".attempts WHERE video = 'v1'`)).rows[0]!.task_uuid).toBe('00000000-0000-4000-8000-000000000001');
    // A second store (another process) reads exactly what was written.
    expect(await store(url).read()).toEqual(w);
  });

  it('a save rewrites only the videos that changed, in one transaction', async () => {
    const { url, schema } = db.fresh();
    const s = store(url);
    const w1 = await s.write(withVideos('lin-diff', 3));
    const xmins = async () => Object.fromEntries((await db.query(`SELECT name, xmin::text AS x FROM "${schema}".videos`)).rows.map((r) => [r.name, r.x]));
    const before = await xmins();
    w1.videos.v1!.phase = 'Failed';
    delete w1.videos.v2;
    const w2 = await s.write(w1);
    const after = await xmins();
    expect(after.v0).toBe(before.v0); // untouched row
    expect(after.v1).not.toBe(before.v1);
    expect(after.v2).toBeUndefined();
    expect(Number((await db.query(`SELECT count(*) AS n FROM "${schema}".attempts`)).rows[0]!.n)).toBe(2);
    expect(await store(url).read()).toEqual(w2);
  });

  it('a save after another writer starts from what is stored: its digest cache was stale, the save is re-sent', async () => {
    const { url } = db.fresh();
    const a = store(url);
    const b = store(url);
    const w1 = await a.write(withVideos('lin-stale', 3));
    const other = (await b.read())!;
    other.videos.v1!.phase = 'Failed';
    delete other.videos.v2;
    await b.write(other); // serial 2: a's digests no longer describe the rows
    w1.videos.v0!.phase = 'Failed';
    const w3 = await a.write(w1); // v1 and v2 look unchanged to a's cache, yet differ from what is stored
    expect(w3.serial).toBe(3);
    expect(await store(url).read()).toEqual(w3);
  });

  it('a save that finds the state changed under it every time gives up after 5 tries: state.stale, nothing written', async () => {
    const { url, schema } = db.fresh();
    const a = store(url);
    const w1 = await a.write(withVideos('lin-stale-5', 2));
    // Another writer (without the lock) bumps the serial just before each of a's save statements.
    const pool = (a as unknown as { pool: { query: (q: unknown, ...rest: unknown[]) => Promise<unknown> } }).pool;
    const query = pool.query.bind(pool);
    let saves = 0;
    pool.query = async (q: unknown, ...rest: unknown[]) => {
      if (typeof q === 'object' && q !== null && 'name' in q) {
        saves++;
        await db.query(`UPDATE "${schema}".state_meta SET serial = serial + 1 WHERE id = 1`);
      }
      return query(q, ...rest);
    };
    w1.videos.v0!.phase = 'Failed';
    await expect(a.write(w1)).rejects.toMatchObject({ code: 'state.stale', retryable: true });
    expect(saves).toBe(5);
    pool.query = query;
    const back = await store(url).read();
    expect(back!.videos.v0!.phase).not.toBe('Failed'); // nothing of the refused save was written
    expect(back!.serial).toBe(w1.serial + 5); // only the other writer's bumps
  });

  it('append (the state writer path for large states) writes the given records and bumps the serial', async () => {
    const { url } = db.fresh();
    const s = store(url);
    const w = await s.write(withVideos('lin-app', 2));
    const v0 = { ...w.videos.v0!, phase: 'Running' as const };
    const r = await s.append(
      new Map([
        ['v0', JSON.stringify(v0)],
        ['v1', null],
      ]),
    );
    expect(r.serial).toBe(w.serial + 1);
    const back = await store(url).read();
    expect(Object.keys(back!.videos)).toEqual(['v0']);
    expect(back!.videos.v0!.phase).toBe('Running');
  });

  it('a read without our schema returns null and creates nothing; the first write migrates', async () => {
    const { url, schema } = db.fresh();
    expect(await store(url).read()).toBeNull();
    expect((await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema])).rowCount).toBe(0);
    await store(url).write(emptyState('lin-m'));
    const v = (await db.query(`SELECT max(version) AS v FROM "${schema}".schema_migrations`)).rows[0]!.v;
    expect(v).toBe(SCHEMA_VERSION);
  });

  it('refuses a schema written by a newer reelctl, and writes nothing', async () => {
    const { url, schema } = db.fresh();
    const w = await store(url).write(withVideos('lin-new', 1));
    await db.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES ($1)`, [SCHEMA_VERSION + 1]);
    await expect(store(url).read()).rejects.toMatchObject({ code: 'state.newer', message: expect.stringMatching(/newer reelctl.*upgrade reelctl/) });
    await expect(store(url).write(w)).rejects.toMatchObject({ code: 'state.newer' });
    await expect(store(url).lock('x')).rejects.toMatchObject({ code: 'state.newer' });
    expect(Number((await db.query(`SELECT serial FROM "${schema}".state_meta`)).rows[0]!.serial)).toBe(w.serial);
  });
});
