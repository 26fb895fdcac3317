// The CLI on a PostgreSQL state (the real server, a fresh schema per test): apply/status/plan/describe,
// state migrate both ways, two concurrent applies, force-unlock, and bad connection input.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PgStateStore } from '../../src/state/pg/store.js';
import { usePg, PG_URL } from '../state/pg/pg-helper.js';
import { acceptedPerSpec, CANARY_KEY, videoYaml, walk, workspace, type Workspace } from './harness.js';
import { reelctl } from './cli.js';
import { startDaemon } from './daemon-process.js';

const db = usePg();
const SECRET = 'pw-Canary-4417';
let w: Workspace | undefined;
afterEach(async () => w?.close());

/** A state URL on a fresh schema, with a password in it (the local server trusts any). */
function stateUrl(): { url: string; schema: string } {
  const { url, schema } = db.fresh();
  const u = new URL(url);
  u.password = SECRET;
  return { url: u.toString(), schema };
}

const cli = (ws: Workspace, args: string[], env: Record<string, string> = {}) =>
  reelctl(args, { cwd: ws.dir, env: { RUNWARE_API_URL: ws.sim.url, RUNWARE_API_KEY: CANARY_KEY, REELCTL_POLL_MS: '150', ...env } });

function noSecret(...outs: (string | undefined)[]) {
  for (const o of outs) expect(o ?? '').not.toContain(SECRET);
}

describe('reelctl on a PostgreSQL state', () => {
  it('apply (--simulate) + status + plan + describe; a second apply renders nothing', async () => {
    w = await workspace();
    const { url } = stateUrl();
    w.write('a.yaml', videoYaml('alpha') + '---\n' + videoYaml('beta'));
    const env = { REELCTL_SIM_LATENCY_MS: '200' };
    const r1 = await cli(w, ['apply', w.manifests, '--simulate', '--state', url, '--out', w.out], env);
    expect(r1.exitCode, r1.stderr).toBe(0);
    expect(r1.stderr).toMatch(/Apply complete: 2 ready, 0 failed, 0 suspended, 2 submitted/);
    const st = await cli(w, ['status', '--json', '--state', url]);
    expect(JSON.parse(st.stdout).videos.map((v: { name: string; phase: string }) => `${v.name}:${v.phase}`)).toEqual(['alpha:Ready', 'beta:Ready']);
    const plan = await cli(w, ['plan', w.manifests, '--simulate', '--detailed-exitcode', '--state', url, '--out', w.out]);
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/No changes/);
    const d = await cli(w, ['describe', 'alpha', w.manifests, '--state', url, '--out', w.out]);
    expect(d.stdout).toMatch(/Phase: +Ready/);
    expect(d.stdout).toMatch(/Events:\n {2}\S+Z +phase +Pending: submitting/); // the event log lives under --out for a database state
    const r2 = await cli(w, ['apply', w.manifests, '--simulate', '--state', url, '--out', w.out], env);
    expect(r2.exitCode, r2.stderr).toBe(0);
    expect(r2.stderr).toMatch(/2 ready, 0 failed, 0 suspended, 0 submitted/);
    expect(existsSync(path.join(w.dir, 'state'))).toBe(false); // no state file anywhere
    noSecret(r1.stdout, r1.stderr, st.stdout, plan.stdout, d.stdout, r2.stderr, ...walk(w.out).map((f) => readFileSync(f, 'latin1')));
  });

  it('state migrate: file → PostgreSQL → file round-trips, and refuses a non-empty target', async () => {
    w = await workspace();
    const { url } = stateUrl();
    w.write('a.yaml', videoYaml('alpha') + '---\n' + videoYaml('beta'));
    expect((await w.apply()).exitCode).toBe(0);
    const original = JSON.parse(readFileSync(w.state, 'utf8'));
    const m1 = await cli(w, ['state', 'migrate', '--from', w.state, '--to', url]);
    expect(m1.exitCode, m1.stderr).toBe(0);
    expect(m1.stderr).toMatch(/migrated 2 video\(s\)/);
    const back = path.join(w.dir, 'back', 'state.json');
    const m2 = await cli(w, ['state', 'migrate', '--from', url, '--to', back]);
    expect(m2.exitCode, m2.stderr).toBe(0);
    const copy = JSON.parse(readFileSync(back, 'utf8'));
    expect(copy.lineage).toBe(original.lineage);
    expect(copy.videos).toEqual(original.videos);
    const again = await cli(w, ['state', 'migrate', '--from', w.state, '--to', url]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/already holds a state .*refusing to overwrite it/);
    const againFile = await cli(w, ['state', 'migrate', '--from', url, '--to', back]);
    expect(againFile.exitCode).toBe(1);
    // The migrated state is the real thing: an apply on it submits nothing new.
    const r = await w.apply(['--state', url]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/0 submitted/);
    expect(w.sim.stats().accepted).toBe(2);
    noSecret(m1.stderr, m2.stderr, again.stderr, againFile.stderr, r.stderr);
  });

  it('two concurrent applies: the second refuses at once, naming the holder — never both submit', async () => {
    // The renders take a simulated minute: the first apply holds the lock however slowly the second starts
    // (no race with the machine's load); once the second was refused, the simulator's clock moves on.
    let skewMs = 0;
    w = await workspace({ latency: { minMs: 60_000, maxMs: 60_000 }, now: () => Date.now() + skewMs });
    const { url, schema } = stateUrl();
    w.write('a.yaml', videoYaml('alpha') + '---\n' + videoYaml('beta'));
    const first = w.apply(['--state', url]);
    // Wait (bounded) until the first holds the lock row.
    let holder: { pid: number } | undefined;
    for (let i = 0; i < 300 && !holder; i++) {
      holder = (await db.query<{ pid: number }>(`SELECT pid FROM "${schema}".locks`).catch(() => ({ rows: [] }))).rows[0];
      if (!holder) await new Promise((r) => setTimeout(r, 50));
    }
    expect(holder, 'the first apply never took the lock').toBeDefined();
    const refused = await w.apply(['--state', url]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`error: state in postgres://postgres:\\*\\*\\*@.* is locked by pid ${holder!.pid} on host .* since \\S+ \\(reelctl apply\\)`),
    );
    skewMs = 120_000;
    const r1 = await first;
    expect(r1.exitCode, r1.stderr).toBe(0);
    expect(r1.stderr).toMatch(/2 submitted/);
    for (const [, n] of acceptedPerSpec(w.sim)) expect(n).toBe(1);
    expect(w.sim.stats().accepted).toBe(2);
    noSecret(r1.stderr, refused.stderr);
  });

  it('--lock-timeout: the second apply waits for the holder, then runs', async () => {
    w = await workspace();
    const { url } = stateUrl();
    w.write('a.yaml', videoYaml('alpha'));
    const other = new PgStateStore(url, {});
    db.onCleanup(() => other.end());
    const held = await other.lock('reelctl apply (another machine)');
    const proc = w.apply(['--state', url, '--lock-timeout', '2m']);
    // Release only once the apply says it is waiting (an event, not a sleep).
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      proc.stderr!.on('data', (d: Buffer) => {
        seen += d.toString();
        if (/waiting up to 120s for the state lock: .*another machine/.test(seen)) resolve();
      });
      proc.then((r) => reject(new Error(`apply ended before waiting: ${r.stderr}`)), reject);
    });
    await held.release();
    const r = await proc;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 ready, 0 failed, 0 suspended, 1 submitted/);
    noSecret(r.stderr);
  });

  it('state force-unlock: clears an expired lease; a live one on another host needs --force', async () => {
    w = await workspace();
    const { url, schema } = stateUrl();
    w.write('a.yaml', videoYaml('alpha'));
    expect((await w.apply(['--state', url])).exitCode).toBe(0);
    const insert = (secs: number) =>
      db.query(
        `INSERT INTO "${schema}".locks VALUES ('state', gen_random_uuid(), 4242, 'ci-runner-7', 'reelctl apply', now() - interval '1 hour', now() + $1 * interval '1 second')`,
        [secs],
      );
    await insert(600);
    const blocked = await w.apply(['--state', url]);
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stderr).toMatch(/locked by pid 4242 on host ci-runner-7 since .*\(reelctl apply\)/);
    const refused = await cli(w, ['state', 'force-unlock', '--state', url]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/looks alive: refusing to unlock; pass --force/);
    const forced = await cli(w, ['state', 'force-unlock', '--force', '--state', url]);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/removed the lock of pid 4242 on host ci-runner-7 .*forced/);
    await insert(-5);
    const expired = await cli(w, ['state', 'force-unlock', '--state', url]);
    expect(expired.exitCode, expired.stderr).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM "${schema}".locks`)).rows[0]!.n).toBe(0);
    expect((await w.apply(['--state', url])).exitCode).toBe(0);
    noSecret(blocked.stderr, refused.stderr, forced.stderr, expired.stderr);
  });

  it('run (the daemon) on a PostgreSQL state: renders, holds the lease while running, releases it on SIGTERM', async () => {
    w = await workspace();
    const { url, schema } = stateUrl();
    w.write('a.yaml', videoYaml('alpha'));
    const d = startDaemon(w, { state: url });
    const { child } = d;
    const ready = async () => (await cli(w!, ['status', '--json', '--state', url])).stdout.includes('"phase":"Ready"');
    for (let i = 0; i < 150 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await ready(), d.log()).toBe(true);
    expect((await db.query(`SELECT command FROM "${schema}".locks`)).rows[0]?.command).toBe('reelctl run');
    const blocked = await w.apply(['--state', url]);
    expect(blocked.exitCode).toBe(1);
    expect(blocked.stderr).toMatch(/locked by pid \d+ .*\(reelctl run\)/);
    child.kill('SIGTERM');
    expect((await child).exitCode, d.log()).toBe(0);
    expect((await db.query(`SELECT count(*)::int AS n FROM "${schema}".locks`)).rows[0]!.n).toBe(0);
    expect(w.sim.stats().accepted).toBe(1);
    noSecret(d.log(), blocked.stderr);
  });

  it('state force-unlock on the file backend (default --state)', async () => {
    w = await workspace();
    const r = await cli(w, ['state', 'force-unlock', '--state', w.state]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no lock held/);
  });
});

describe('bad PostgreSQL input: one clear line, exit 1, nothing written, no password', () => {
  const bad = (mutate: (u: URL) => void) => {
    const u = new URL(PG_URL);
    u.password = SECRET;
    u.searchParams.set('schema', db.fresh().schema);
    mutate(u);
    return u.toString();
  };

  it.each([
    [
      'an unreachable server',
      (u: URL) => void (u.port = '1'),
      /^error: cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test\?schema=\w+ \(ECONNREFUSED\)/,
    ],
    [
      'an unknown user (with a password)',
      (u: URL) => void (u.username = 'no_such_role_reelctl'),
      /^error: PostgreSQL at postgres:\/\/no_such_role_reelctl:\*\*\*@.* refused the login \(role "no_such_role_reelctl" does not exist\)/,
    ],
    [
      'a missing database',
      (u: URL) => void (u.pathname = '/no_such_db_reelctl'),
      /^error: PostgreSQL at .*\/no_such_db_reelctl\?schema=\w+: database "no_such_db_reelctl" does not exist/,
    ],
  ])('%s', async (_n, mutate, re) => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const url = bad(mutate);
    for (const args of [['apply', w.manifests, '--simulate'], ['status'], ['plan', w.manifests], ['state', 'force-unlock']]) {
      const r = await cli(w, [...args, '--state', url, '--out', w.out]);
      expect(r.exitCode, `${args[0]}: ${r.stderr}`).toBe(1);
      expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(re);
      noSecret(r.stdout, r.stderr);
    }
    expect(existsSync(w.out)).toBe(false);
  });

  it('a schema written by a newer reelctl', async () => {
    w = await workspace();
    const { url, schema } = stateUrl();
    w.write('a.yaml', videoYaml('alpha'));
    expect((await w.apply(['--state', url])).exitCode).toBe(0);
    w.write('a.yaml', videoYaml('alpha', 'an edited prompt'));
    await db.query(`INSERT INTO "${schema}".schema_migrations (version) VALUES (999)`);
    const before = (await db.query(`SELECT serial FROM "${schema}".state_meta`)).rows[0]!.serial;
    for (const args of [['apply', w.manifests], ['status'], ['plan', w.manifests]]) {
      const r = await w.apply(['--state', url]).then(() => cli(w!, [...args, '--state', url, '--out', w!.out]));
      expect(r.exitCode).toBe(1);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/was written by a newer reelctl \(database schema version 999, this binary understands up to \d+\); upgrade reelctl/);
      noSecret(r.stdout, r.stderr);
    }
    expect((await db.query(`SELECT serial FROM "${schema}".state_meta`)).rows[0]!.serial).toBe(before);
    expect(w.sim.stats().accepted).toBe(1);
  });
});
