import { describe, expect, it } from 'vitest';
import { PgStateStore } from '../../../src/state/pg/store.js';
import { emptyState, newVideoState } from '../../../src/state/transitions.js';
import type { StateFile } from '../../../src/state/model.js';
import { usePg } from './pg-helper.js';

const db = usePg();

function store(url: string): PgStateStore {
  const s = new PgStateStore(url, {});
  db.onCleanup(() => s.end());
  return s;
}

/** A replica: its store in shared mode, its claims, and the names it was told were fenced. */
function replica(url: string, id: string) {
  const s = store(url);
  const epochs = new Map<string, number>();
  const fenced: string[] = [];
  const claims = s.share({ replicaId: id, epochs, onFenced: (n) => fenced.push(...n) });
  return { s, epochs, fenced, claims };
}

function stateWith(names: string[]): StateFile {
  const st = emptyState('lin-claims');
  for (const n of names) st.videos[n] = newVideoState({ name: n, specHash: 'sha256:1', regenerate: 0, outputPath: `${n}.mp4` }, 0);
  return st;
}

const names = ['v0', 'v1', 'v2', 'v3', 'v4'];

describe('per-video claims (run --shared) on PostgreSQL', () => {
  it('claims skip what others hold; an expired claim is taken over with a higher epoch, and the old holder learns it lost it', async () => {
    const { url, schema } = db.fresh();
    await store(url).write(stateWith(names));
    const a = replica(url, 'A');
    const b = replica(url, 'B');
    const ga = await a.claims.claim(names, 3, 15_000);
    expect(ga.map((g) => [g.video, g.epoch, g.prev])).toEqual([
      ['v0', 1, ''],
      ['v1', 1, ''],
      ['v2', 1, ''],
    ]);
    for (const g of ga) a.epochs.set(g.video, g.epoch);
    const gb = await b.claims.claim(names, 5, 15_000);
    expect(gb.map((g) => g.video)).toEqual(['v3', 'v4']);
    expect(await a.claims.renew(a.epochs, 15_000)).toEqual(new Set(['v0', 'v1', 'v2']));
    await db.query(`UPDATE "${schema}".claims SET expires_at = now() - interval '1 second' WHERE holder = 'A'`); // A paused past its expiry
    const taken = await b.claims.claim(names, 5, 15_000);
    expect(taken.map((g) => [g.video, g.epoch, g.prev])).toEqual([
      ['v0', 2, 'A'],
      ['v1', 2, 'A'],
      ['v2', 2, 'A'],
    ]);
    expect(await a.claims.renew(a.epochs, 15_000)).toEqual(new Set());
  });

  it("a fenced replica's writes are dropped (and reported); the holder's land", async () => {
    const { url, schema } = db.fresh();
    const st = stateWith(names);
    await store(url).write(st);
    const a = replica(url, 'A');
    const b = replica(url, 'B');
    for (const g of await a.claims.claim(['v0'], 1, 15_000)) a.epochs.set(g.video, g.epoch);
    await db.query(`UPDATE "${schema}".claims SET expires_at = now() - interval '1 second'`);
    for (const g of await b.claims.claim(['v0'], 1, 15_000)) b.epochs.set(g.video, g.epoch);
    const stale = { ...st.videos.v0!, phase: 'Failed' as const };
    await a.s.append(new Map([['v0', JSON.stringify(stale)]]));
    expect(a.fenced).toEqual(['v0']);
    const phase = async () => (await db.query(`SELECT phase FROM "${schema}".videos WHERE name = 'v0'`)).rows[0]!.phase;
    expect(await phase()).toBe('Pending');
    await b.s.append(new Map([['v0', JSON.stringify({ ...st.videos.v0!, phase: 'Running' })]]));
    expect(await phase()).toBe('Running');
    // Records of videos a replica never claimed are not written either.
    await b.s.append(new Map([['v1', JSON.stringify({ ...st.videos.v1!, phase: 'Failed' })]]));
    expect((await db.query(`SELECT phase FROM "${schema}".videos WHERE name = 'v1'`)).rows[0]!.phase).toBe('Pending');
  });

  it('mayPay: only a task whose intent is stored, under a video we hold at our epoch', async () => {
    const { url, schema } = db.fresh();
    const st = stateWith(['v0']);
    const uuid = '11111111-1111-4111-8111-111111111111';
    st.videos.v0!.attempts.push({ taskUUID: uuid, specHash: 'sha256:1', createdAt: new Date(0).toISOString(), state: 'intent', sends: 0, reservedUsd: 0.5 });
    await store(url).write(st);
    const a = replica(url, 'A');
    for (const g of await a.claims.claim(['v0'], 1, 15_000)) a.epochs.set(g.video, g.epoch);
    const epochOf = (v: string) => a.epochs.get(v);
    expect(await a.claims.mayPay(uuid, epochOf)).toEqual({ ok: true, video: 'v0' });
    expect(await a.claims.mayPay('22222222-2222-4222-8222-222222222222', epochOf)).toEqual({ ok: false });
    await db.query(`UPDATE "${schema}".claims SET expires_at = now() - interval '1 second'`);
    await replica(url, 'B').claims.claim(['v0'], 1, 15_000);
    expect(await a.claims.mayPay(uuid, epochOf)).toEqual({ ok: false, video: 'v0' });
  });

  it('an exclusive apply and shared replicas exclude each other', async () => {
    const { url, schema } = db.fresh();
    await store(url).write(stateWith(names));
    const a = replica(url, 'A');
    await a.claims.claim(['v0'], 1, 15_000);
    await expect(store(url).lock('reelctl apply')).rejects.toMatchObject({
      code: 'state.locked',
      message: expect.stringMatching(/run --shared replicas \(1 live video claims\)/),
    });
    await a.claims.release(new Map([['v0', 1]]));
    const l = await store(url).lock('reelctl apply');
    expect(await a.claims.claim(names, 5, 15_000)).toEqual([]);
    await expect(store(url).sharedLock('reelctl run')).rejects.toMatchObject({ code: 'state.locked' });
    await l.release();
    expect((await a.claims.claim(names, 5, 15_000)).length).toBe(5);
    expect((await db.query(`SELECT count(*)::int AS n FROM "${schema}".claims WHERE holder = 'A'`)).rows[0]!.n).toBe(5);
  });
});
