// Bad connection input: each a one-line StateError naming the server without the password. The local
// server trusts every login on 127.0.0.1 (pg_hba: trust), so it cannot refuse a wrong password: that case
// runs against a tiny fake server on 127.0.0.1 that asks for a cleartext password and refuses it with the
// real error (28P01) — which also shows which password the client sent.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStateStore } from '../../../src/state/pg/store.js';
import { parsePgUrl, redactPgUrl } from '../../../src/state/pg/url.js';
import { PG_URL, usePg } from './pg-helper.js';

const db = usePg();
const SECRET = 'hunter2-Zq9';

function open(url: string, env: NodeJS.ProcessEnv = {}) {
  const s = new PgStateStore(url, env);
  db.onCleanup(() => s.end());
  return s;
}

async function failure(url: string, env: NodeJS.ProcessEnv = {}) {
  const err = await open(url, env)
    .read()
    .then(
      () => undefined,
      (e: Error & { code: string }) => e,
    );
  expect(err).toBeDefined();
  expect(err!.message.split('\n')).toHaveLength(1);
  expect(err!.message).not.toContain(SECRET);
  return err!;
}

let fake: net.Server;
let fakePort = 0;
const passwordsSeen: string[] = [];
beforeAll(async () => {
  fake = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    let started = false;
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!started && buf.length >= 4 && buf.length >= buf.readInt32BE(0)) {
        started = true;
        buf = buf.subarray(buf.readInt32BE(0));
        sock.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
      }
      if (started && buf.length >= 5 && buf[0] === 0x70 && buf.length >= 1 + buf.readInt32BE(1)) {
        passwordsSeen.push(buf.subarray(5, buf.readInt32BE(1)).toString().replace(/\0$/, ''));
        const fields = Buffer.from('SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "app"\0\0');
        const head = Buffer.alloc(5);
        head[0] = 0x45; // ErrorResponse
        head.writeInt32BE(4 + fields.length, 1);
        sock.end(Buffer.concat([head, fields]));
      }
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakePort = (fake.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => fake.close(() => r())));

describe('PostgreSQL connection errors', () => {
  it('an unreachable server', async () => {
    const err = await failure(`postgres://app:${SECRET}@127.0.0.1:1/test`);
    expect(err).toMatchObject({ code: 'state.pg-unreachable' });
    expect(err.message).toBe('cannot reach PostgreSQL at postgres://app:***@127.0.0.1:1/test (ECONNREFUSED); is the server running and the URL right?');
  });

  it('a wrong password (URL), refused by the server', async () => {
    const err = await failure(`postgres://app:${SECRET}@127.0.0.1:${fakePort}/test`);
    expect(err).toMatchObject({ code: 'state.pg-auth' });
    expect(err.message).toMatch(
      /^PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/test refused the login \(password authentication failed for user "app"\)/,
    );
    expect(passwordsSeen.at(-1)).toBe(SECRET);
  });

  it('a wrong password from PGPASSWORD', async () => {
    const err = await failure(`postgres://app@127.0.0.1:${fakePort}/test`, { PGPASSWORD: SECRET });
    expect(err).toMatchObject({ code: 'state.pg-auth' });
    expect(passwordsSeen.at(-1)).toBe(SECRET);
  });

  it('a user the real server does not know', async () => {
    const u = new URL(PG_URL);
    u.username = 'no_such_role_reelctl';
    u.password = SECRET;
    const err = await failure(u.toString());
    expect(err).toMatchObject({ code: 'state.pg-auth', message: expect.stringContaining('role "no_such_role_reelctl" does not exist') });
  });

  it('a missing database', async () => {
    const u = new URL(PG_URL);
    u.pathname = '/no_such_db_reelctl';
    const err = await failure(u.toString());
    expect(err).toMatchObject({ code: 'state.pg-no-database', message: expect.stringContaining('database "no_such_db_reelctl" does not exist') });
  });
});

describe('--state URL parsing', () => {
  it('takes the schema, the password from the URL over PGPASSWORD, and never shows it', () => {
    const t = parsePgUrl(`postgresql://app:${encodeURIComponent('p@ss/w')}@db.local:6543/reel?schema=team_a`, { PGPASSWORD: 'other' });
    expect(t.config).toMatchObject({ host: 'db.local', port: 6543, database: 'reel', user: 'app', password: 'p@ss/w' });
    expect(t.schema).toBe('team_a');
    expect(t.label).toBe('postgresql://app:***@db.local:6543/reel?schema=team_a');
    expect(parsePgUrl('postgres://app@h/d', { PGPASSWORD: 'envpw' }).config.password).toBe('envpw');
    expect(parsePgUrl('postgres://app@h/d', {}).schema).toBe('reelctl');
  });

  it.each([
    ['postgres://h/d?schema=a;drop', /invalid schema/],
    ['postgres://app@h', /database are required/],
    ['postgres://app@h/d?foo=1', /unknown parameter "foo"/],
  ])('refuses %s', (url, re) => {
    expect(() => parsePgUrl(url, {})).toThrow(re);
  });

  it('redacts a password even in a URL that does not parse', () => {
    expect(redactPgUrl('postgres://u:secret@[bad/d')).toBe('postgres://u:***@[bad/d');
  });
});
