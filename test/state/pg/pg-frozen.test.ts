// A replica frozen while it talks to PostgreSQL (SIGSTOP, a long GC pause, a suspended VM) must not keep the
// others from taking its videos over once its claims expire. Two halves: a save is one statement, so no
// transaction of ours stays open across an await (nothing to freeze inside); and any transaction of ours left
// idle anyway is ended by the server (idle_in_transaction_session_timeout on every session we open), which
// frees the row locks that `FOR UPDATE SKIP LOCKED` would otherwise pass by for as long as the freeze lasts.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PgStateStore } from '../../../src/state/pg/store.js';
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
});
