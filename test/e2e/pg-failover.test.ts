// Failover of `reelctl run --shared` (issue 15): 3 replicas on one PostgreSQL state, 30 videos rendering
// for a few seconds on the simulator. One replica is SIGKILLed mid-run, another SIGSTOPped for 20 s and
// then resumed. Every video must end Ready, paid exactly once (the simulator's own count), every output
// verified — and no state write may come from a replica that did not hold the video's newest claim at
// that moment (audited by triggers in the database: the resumed replica writes nothing stale).
import { execa, type ResultPromise } from 'execa';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PgStateStore } from '../../src/state/pg/store.js';
import { emptyState } from '../../src/state/transitions.js';
import { usePg } from '../state/pg/pg-helper.js';
import { BIN } from './cli.js';
import { acceptedPerSpec, CANARY_KEY, until, videoYaml, workspace, type Workspace } from './harness.js';

const db = usePg();
let w: Workspace | undefined;
const children: ResultPromise[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGCONT');
    c.kill('SIGKILL');
    await c.catch(() => undefined);
  }
  await w?.close();
});

describe('reelctl run --shared: three replicas, one killed, one paused', () => {
  it('every video Ready and paid once; takeover within the lease; nothing stale written', { timeout: 180_000 }, async () => {
    w = await workspace({ latency: { minMs: 3000, maxMs: 5000 } });
    const { url, schema } = db.fresh();
    for (let i = 0; i < 30; i++) w.write(`v${i}.yaml`, videoYaml(`video-${String(i).padStart(2, '0')}`));
    // Create the tables first, then audit every write of a video row and every change of a claim.
    const setup = new PgStateStore(url, {});
    await setup.write(emptyState());
    await setup.end();
    const S = `"${schema}"`;
    await db.query(`CREATE TABLE ${S}.audit_writes (video text, app text, at timestamptz, phase text)`);
    await db.query(`CREATE TABLE ${S}.audit_claims (video text, holder text, epoch bigint, at timestamptz)`);
    await db.query(
      `CREATE FUNCTION ${S}.aw() RETURNS trigger AS $$ BEGIN INSERT INTO ${S}.audit_writes VALUES (NEW.name, current_setting('application_name'), clock_timestamp(), NEW.phase); RETURN NEW; END $$ LANGUAGE plpgsql`,
    );
    await db.query(
      `CREATE FUNCTION ${S}.ac() RETURNS trigger AS $$ BEGIN IF NEW.epoch IS DISTINCT FROM OLD.epoch OR NEW.holder IS DISTINCT FROM OLD.holder THEN INSERT INTO ${S}.audit_claims VALUES (NEW.video, NEW.holder, NEW.epoch, clock_timestamp()); END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
    );
    await db.query(`CREATE TRIGGER aw AFTER INSERT OR UPDATE ON ${S}.videos FOR EACH ROW EXECUTE FUNCTION ${S}.aw()`);
    await db.query(`CREATE TRIGGER ac AFTER UPDATE ON ${S}.claims FOR EACH ROW EXECUTE FUNCTION ${S}.ac()`);

    const start = (n: number) => {
      const u = new URL(url);
      u.searchParams.set('application_name', `replica${n}`);
      const c = execa(
        'node',
        [BIN, 'run', w!.manifests, '--shared', '--state', u.toString(), '--out', w!.out, '--listen', '127.0.0.1:0', '--resync', '1h', '--concurrency', '10'],
        {
          cwd: w!.dir,
          reject: false,
          timeout: 170_000,
          env: { RUNWARE_API_URL: w!.sim.url, RUNWARE_API_KEY: CANARY_KEY, REELCTL_POLL_MS: '300', NO_COLOR: '1' },
        },
      );
      children.push(c);
      let log = '';
      let out = '';
      c.stderr!.on('data', (d: Buffer) => (log += d.toString()));
      c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      return { c, pid: c.pid!, log: () => log, address: () => /listening on (http:\/\/[\d.:]+)/.exec(out)?.[1] };
    };
    const r = [start(0), start(1), start(2)];
    const holders = async () =>
      (await db.query(`SELECT holder, count(*)::int AS n FROM ${S}.claims WHERE expires_at > now() GROUP BY holder`)).rows as { holder: string; n: number }[];
    // Mid-run: every replica holds claims and renders are under way.
    await until('three replicas holding claims, renders in flight', async () => (await holders()).length === 3 && w!.sim.stats().accepted >= 10, 60_000, 200);
    const killedHeld = (await holders()).find((h) => h.holder.includes(`:${r[0]!.pid}:`))!.n;
    const tKill = Date.now();
    r[0]!.c.kill('SIGKILL');
    r[1]!.c.kill('SIGSTOP');
    const tStop = Date.now();
    await until("the killed replica's videos taken over", async () => !(await holders()).some((h) => h.holder.includes(`:${r[0]!.pid}:`)), 40_000, 200);
    const takeoverMs = Date.now() - tKill;
    await until('20 s of pause', async () => Date.now() - tStop >= 20_000, 30_000, 200);
    r[1]!.c.kill('SIGCONT');
    await until(
      '30 videos Ready',
      async () => (await db.query(`SELECT count(*)::int AS n FROM ${S}.videos WHERE phase = 'Ready'`)).rows[0]!.n === 30,
      90_000,
      200,
    );
    // Give the resumed replica a couple of rounds to notice (it must stop, not write).
    await until('the resumed replica noticed it lost its claims', async () => /fenced|stopping work on them/.test(r[1]!.log()), 20_000, 200);

    // Paid exactly once, counted by the simulator.
    for (const [, n] of acceptedPerSpec(w.sim)) expect(n).toBe(1);
    expect(w.sim.stats().accepted).toBe(30);
    // Every output verified on the shared --out.
    const store = new PgStateStore(url, {});
    const state = (await store.read())!;
    await store.end();
    expect(Object.values(state.videos).filter((v) => v.phase === 'Ready')).toHaveLength(30);
    for (const v of Object.values(state.videos))
      for (const o of v.outputs) {
        const bytes = readFileSync(path.join(w.out, o.path));
        expect(bytes.length).toBe(o.bytes);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(o.sha256);
      }
    // No write without the newest claim: for every audited write, the last claim change before it names
    // the writing replica (same pid).
    const pidOf = Object.fromEntries(r.map((x, i) => [`replica${i}`, x.pid]));
    const stale = (
      await db.query(
        `SELECT w.video, w.app, w.at, (SELECT holder FROM ${S}.audit_claims c WHERE c.video = w.video AND c.at <= w.at ORDER BY c.at DESC LIMIT 1) AS holder
         FROM ${S}.audit_writes w WHERE w.app LIKE 'replica%'`,
      )
    ).rows.filter((x) => !String(x.holder).includes(`:${pidOf[x.app]}:`));
    expect(stale).toEqual([]);
    // Per-replica readiness and metrics: claims held, takeovers, fenced writes, renew latency.
    const survivor = await (async () => {
      for (const x of [r[1]!, r[2]!]) {
        const m = await (await fetch(`${x.address()}/metrics`)).text();
        if (/^reelctl_claim_takeovers_total [1-9]/m.test(m)) return { x, m };
      }
    })();
    expect(survivor, 'no replica reports a takeover').toBeDefined();
    for (const name of [
      'reelctl_claims_held',
      'reelctl_replicas_live',
      'reelctl_fenced_total',
      'reelctl_claims_lost_total',
      'reelctl_claim_renew_seconds_bucket',
    ])
      expect(survivor!.m).toContain(name);
    const ready = (await (await fetch(`${survivor!.x.address()}/readyz`)).json()) as { shared: unknown };
    expect(ready.shared).toMatchObject({
      replica: expect.stringContaining(`:${survivor!.x.pid}:`),
      takeovers: expect.any(Number),
      claimsHeld: expect.any(Number),
    });
    for (const x of [r[1]!, r[2]!]) {
      x.c.kill('SIGTERM');
      expect((await x.c).exitCode, x.log()).toBe(0);
    }
    expect((await db.query(`SELECT count(*)::int AS n FROM ${S}.claims WHERE expires_at > now()`)).rows[0]!.n).toBe(0);
    console.log(`failover: takeover of ${killedHeld} videos ${(takeoverMs / 1000).toFixed(1)} s after SIGKILL (claim TTL 15 s, renew 3 s)`);
  });
});
