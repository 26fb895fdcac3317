import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/clock.js';
import { lockWithTimeout } from '../../../src/state/lock-wait.js';
import { PgStateStore } from '../../../src/state/pg/store.js';
import { emptyState } from '../../../src/state/transitions.js';
import { usePg } from './pg-helper.js';

const db = usePg();

function store(url: string): PgStateStore {
  const s = new PgStateStore(url, {});
  db.onCleanup(() => s.end());
  return s;
}

const lockRow = async (schema: string) => (await db.query(`SELECT pid, host, command, since, expires_at > now() AS live FROM "${schema}".locks`)).rows[0];

describe('the state lock on PostgreSQL (a lease row)', () => {
  it('names the holder and since when; a second store (another machine) is refused at once', async () => {
    const { url, schema } = db.fresh();
    const a = await store(url).lock('reelctl apply');
    const row = (await lockRow(schema))!;
    expect(row).toMatchObject({ pid: process.pid, command: 'reelctl apply', live: true });
    const err = await store(url)
      .lock('reelctl apply')
      .catch((e) => e);
    expect(err).toMatchObject({ code: 'state.locked' });
    expect(err.message).toContain(`locked by pid ${process.pid} on host ${row.host} since ${row.since.toISOString()} (reelctl apply)`);
    await a.release();
    expect(await lockRow(schema)).toBeUndefined();
    await (await store(url).lock('after')).release();
  });

  it('an expired lease is taken over, and the old holder can no longer write (fenced by its token)', async () => {
    const { url, schema } = db.fresh();
    const oldStore = store(url);
    await oldStore.write(emptyState('lin-fence'));
    const old = await oldStore.lock('old');
    await db.query(`UPDATE "${schema}".locks SET expires_at = now() - interval '1 second'`); // as if it stopped renewing
    const newStore = store(url);
    const fresh = await newStore.lock('new');
    const before = (await db.query(`SELECT serial FROM "${schema}".state_meta`)).rows[0]!.serial;
    await expect(oldStore.write((await oldStore.read())!)).rejects.toMatchObject({ code: 'state.lock-lost' });
    expect((await db.query(`SELECT serial FROM "${schema}".state_meta`)).rows[0]!.serial).toBe(before);
    await newStore.write((await newStore.read())!);
    await old.release(); // releasing a lease we lost must not remove the new holder's
    expect(await lockRow(schema)).toMatchObject({ command: 'new' });
    await fresh.release();
  });

  it('a store without the lock may not write while another holds it', async () => {
    const { url } = db.fresh();
    const l = await store(url).lock('holder');
    await expect(store(url).write(emptyState('lin-x'))).rejects.toMatchObject({ code: 'state.locked' });
    await l.release();
  });

  it('--lock-timeout: the second one waits and gets the lock once the first releases it', async () => {
    const { url } = db.fresh();
    const first = await store(url).lock('first');
    const clock = new FakeClock();
    const waited: string[] = [];
    // The fake clock's sleep is where the waiting happens: release the first holder there, then go on.
    clock.sleep = async (ms) => {
      waited.push(`${ms}`);
      if (waited.length === 2) await first.release();
    };
    const second = await lockWithTimeout(store(url), 'second', { timeoutMs: 60_000, clock, onWait: (e) => waited.push(e.message) });
    expect(waited[0]).toMatch(/locked by pid .* \(first\)/);
    expect(second.holder.command).toBe('second');
    await second.release();
  });

  it('renews its lease while held, from the database clock', async () => {
    const { url, schema } = db.fresh();
    const s = new PgStateStore(url, { REELCTL_PG_LOCK_TTL_MS: '600' }); // renews every 200 ms
    db.onCleanup(() => s.end());
    const l = await s.lock('renewing');
    const first = (await db.query(`SELECT expires_at FROM "${schema}".locks`)).rows[0]!.expires_at as Date;
    for (let i = 0; i < 200; i++) {
      const now = (await db.query(`SELECT expires_at FROM "${schema}".locks`)).rows[0]!.expires_at as Date;
      if (now > first) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(((await db.query(`SELECT expires_at FROM "${schema}".locks`)).rows[0]!.expires_at as Date) > first).toBe(true);
    await l.release();
  });
});

describe('state force-unlock on PostgreSQL', () => {
  const insert = (schema: string, pid: number, host: string, expired: boolean) =>
    db.query(
      `INSERT INTO "${schema}".locks VALUES ('state', gen_random_uuid(), $1, $2, 'reelctl apply', now() - interval '1 hour', now() + $3 * interval '1 second')`,
      [pid, host, expired ? -5 : 600],
    );

  it('clears an expired lease', async () => {
    const { url, schema } = db.fresh();
    const s = store(url);
    await s.write(emptyState('lin-u1'));
    await insert(schema, 1234, 'elsewhere', true);
    expect(await s.forceUnlock(false)).toMatch(/removed the lock of pid 1234 on host elsewhere/);
    expect(await lockRow(schema)).toBeUndefined();
  });

  it('clears a live lease whose process on this host is gone', async () => {
    const { url, schema } = db.fresh();
    const s = store(url);
    await s.write(emptyState('lin-u2'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // exited: its pid is gone
    const host = (await import('node:os')).hostname();
    await insert(schema, dead, host, false);
    expect(await s.forceUnlock(false)).toMatch(new RegExp(`removed the lock of pid ${dead}`));
  });

  it('refuses a live holder on another host unless --force', async () => {
    const { url, schema } = db.fresh();
    const s = store(url);
    await s.write(emptyState('lin-u3'));
    await insert(schema, 1234, 'other-host', false);
    await expect(s.forceUnlock(false)).rejects.toMatchObject({ code: 'state.locked', message: expect.stringMatching(/other-host.*--force/) });
    expect(await lockRow(schema)).toBeDefined();
    expect(await s.forceUnlock(true)).toMatch(/forced/);
    expect(await lockRow(schema)).toBeUndefined();
  });

  it('says so when there is no lock', async () => {
    const { url } = db.fresh();
    expect(await store(url).forceUnlock(false)).toMatch(/no lock held/);
  });
});

describe('the last check before a paid request (exclusive holder)', () => {
  const uuid = '33333333-3333-4333-8333-333333333333';
  async function withIntent(url: string) {
    const s = store(url);
    const st = emptyState('lin-pay');
    const { newVideoState } = await import('../../../src/state/transitions.js');
    st.videos.a = newVideoState({ name: 'a', specHash: 'sha256:1', regenerate: 0, outputPath: 'a.mp4' }, 0);
    st.videos.a.attempts.push({ taskUUID: uuid, specHash: 'sha256:1', createdAt: new Date(0).toISOString(), state: 'intent', sends: 0, reservedUsd: 0.5 });
    return { s, st };
  }

  it('passes for a stored intent under our lease; refuses an intent not stored yet', async () => {
    const { url } = db.fresh();
    const { s, st } = await withIntent(url);
    const l = await s.lock('apply');
    await expect(s.checkPayable(uuid)).rejects.toMatchObject({ code: 'state.intent-missing' });
    await s.write(st);
    await expect(s.checkPayable(uuid)).resolves.toBeUndefined();
    await l.release();
  });

  it('refuses once the lease was taken over, and the guarded client sends nothing', async () => {
    const { url, schema } = db.fresh();
    const { s, st } = await withIntent(url);
    const l = await s.lock('apply');
    await s.write(st);
    await db.query(`UPDATE "${schema}".locks SET expires_at = now() - interval '1 second'`);
    const other = await store(url).lock('other');
    const { guardSubmits } = await import('../../../src/state/pg/pay-guard.js');
    let sent = 0;
    const client = guardSubmits({ submit: async () => (sent++, { taskUUID: uuid, status: 'accepted' as const }) } as never, (id) => s.checkPayable(id));
    await expect(client.submit({ taskUUID: uuid, request: {} })).rejects.toMatchObject({ code: 'state.lock-lost' });
    expect(sent).toBe(0);
    await other.release();
    await l.release();
  });
});

describe('a lease left by a dead process of this host', () => {
  it('is taken over at once by the next lock, like the file lock', async () => {
    const { url, schema } = db.fresh();
    const s = store(url);
    await s.write(emptyState('lin-dead'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const host = (await import('node:os')).hostname();
    await db.query(`INSERT INTO "${schema}".locks VALUES ('state', gen_random_uuid(), $1, $2, 'reelctl apply', now(), now() + interval '10 minutes')`, [
      dead,
      host,
    ]);
    const l = await s.lock('next');
    expect(await lockRow(schema)).toMatchObject({ pid: process.pid, command: 'next' });
    await l.release();
  });
});
