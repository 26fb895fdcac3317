// A replica frozen while it talks to PostgreSQL (SIGSTOP, a long GC pause, a suspended VM) must not keep the
// others from taking its videos over once its claims expire. Two halves: a save is one statement, so no
// transaction of ours stays open across an await (nothing to freeze inside); and any transaction of ours left
// idle anyway is ended by the server (idle_in_transaction_session_timeout on every session we open), which
// frees the row locks that `FOR UPDATE SKIP LOCKED` would otherwise pass by for as long as the freeze lasts.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { pgError } from '../../../src/state/pg/errors.js';
import { PgStateStore } from '../../../src/state/pg/store.js';
import { parsePgUrl } from '../../../src/state/pg/url.js';
import { emptyState, newVideoState } from '../../../src/state/transitions.js';
import { usePg } from './pg-helper.js';

const db = usePg();
/** A short idle-transaction timeout so the test waits well under a second for the server to act. */
const env = { REELCTL_PG_IDLE_TX_TIMEOUT_MS: '300' };

/** The URL with its own application_name, so the test can tell its sessions from anyone else's. */
function named(url: string, app: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', app);
  return u.toString();
}

function replica(url: string, id: string) {
  const s = new PgStateStore(url, env);
  db.onCleanup(() => s.end());
  const epochs = new Map<string, number>();
  const fenced: string[] = [];
  const claims = s.share({ replicaId: id, epochs, onFenced: (n) => fenced.push(...n) });
  return { s, epochs, fenced, claims };
}

async function seed(url: string): Promise<void> {
  const st = emptyState('lin-frozen');
  for (const n of ['v0', 'v1']) st.videos[n] = newVideoState({ name: n, specHash: 'sha256:1', regenerate: 0, outputPath: `${n}.mp4` }, 0);
  const s = new PgStateStore(url, env);
  await s.write(st);
  await s.end();
}

/** Polls `f` until it returns something truthy (each try is a round trip to the server), at most `ms`. */
async function eventually<T>(what: string, f: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a replica frozen mid-transaction (PostgreSQL)', () => {
  it('a save is one statement: no BEGIN, nothing held open between two awaits', async () => {
    const fresh = db.fresh();
    const app = `frozen-${fresh.schema}`;
    const url = named(fresh.url, app);
    await seed(url);
    const a = replica(url, 'A');
    for (const g of await a.claims.claim(['v0'], 1, 15_000)) a.epochs.set(g.video, g.epoch);
    await a.s.read(); // opened: schema checked, digests known
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    const spy = function (this: pg.Client, q: unknown, ...rest: unknown[]) {
      sent.push(typeof q === 'string' ? q : String((q as { text?: string }).text));
      return (query as (...args: unknown[]) => unknown).call(this, q, ...rest);
    };
    pg.Client.prototype.query = spy as typeof query;
    try {
      const v0 = { ...newVideoState({ name: 'v0', specHash: 'sha256:1', regenerate: 0, outputPath: 'v0.mp4' }, 0), phase: 'Running' as const };
      await a.s.append(new Map([['v0', JSON.stringify(v0)]]));
    } finally {
      pg.Client.prototype.query = query;
    }
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^WITH lk AS/);
    expect(
      (await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'idle in transaction' AND application_name = $1`, [app])).rows[0]!.n,
    ).toBe(0);
  });

  it('a transaction left idle on a claimed row is ended by the server, and another replica takes the video over once the claim expires', async () => {
    const { url, schema } = db.fresh();
    await seed(url);
    const a = replica(url, 'A');
    const b = replica(url, 'B');
    // A claims v0 for a short lease, then "freezes" inside a transaction on one of its sessions (same
    // settings as the store's pool), holding the claim row and the serial row the way a save once did.
    for (const g of await a.claims.claim(['v0'], 1, 200)) a.epochs.set(g.video, g.epoch);
    expect(a.epochs.get('v0')).toBe(1);
    const frozen = new pg.Client(parsePgUrl(url, env).config);
    const ended = new Promise<Error>((resolve) => frozen.on('error', resolve));
    await frozen.connect();
    await frozen.query('BEGIN');
    await frozen.query(`SELECT 1 FROM "${schema}".state_meta WHERE id = 1 FOR UPDATE`);
    await frozen.query(`SELECT 1 FROM "${schema}".claims WHERE video = 'v0' FOR SHARE`);
    try {
      // B keeps trying; the row is skipped while the frozen transaction lives, then taken.
      const got = await eventually('B to take v0 over', async () => (await b.claims.claim(['v0'], 1, 15_000))[0]);
      expect(got).toMatchObject({ video: 'v0', epoch: 2, prev: 'A' });
      b.epochs.set('v0', got.epoch);
      expect(await ended).toMatchObject({ code: '25P03' }); // idle_in_transaction_session_timeout
      // A, back, finds it lost the claim: its renew says so and its write is dropped; B's lands.
      expect(await a.claims.renew(a.epochs, 15_000)).toEqual(new Set());
      const v0 = newVideoState({ name: 'v0', specHash: 'sha256:1', regenerate: 0, outputPath: 'v0.mp4' }, 0);
      await a.s.append(new Map([['v0', JSON.stringify({ ...v0, phase: 'Failed' })]]));
      expect(a.fenced).toEqual(['v0']);
      await b.s.append(new Map([['v0', JSON.stringify({ ...v0, phase: 'Running' })]]));
      expect((await db.query(`SELECT phase FROM "${schema}".videos WHERE name = 'v0'`)).rows[0]!.phase).toBe('Running');
    } finally {
      await frozen.end().catch(() => undefined);
    }
  });
});

describe('a session the server ended', () => {
  it('is reported as a lost connection (retryable), not as a failed statement', () => {
    const err = pgError(
      Object.assign(new Error('terminating connection due to idle-in-transaction timeout'), { code: '25P03' }),
      'postgres://u@db/x',
      'reading the state',
    );
    expect(err).toMatchObject({ code: 'state.pg-connection-lost', retryable: true });
    expect(pgError(new Error('Connection terminated unexpectedly'), 'postgres://u@db/x', 'saving the state')).toMatchObject({
      code: 'state.pg-connection-lost',
    });
  });
});
