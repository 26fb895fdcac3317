// Tests against the real PostgreSQL (REELCTL_TEST_PG_URL, default the local server): every test file
// gets its own randomly named schemas and drops them afterwards. When the server cannot be reached the
// tests FAIL with a message naming the URL — they never skip.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export const PG_URL = process.env.REELCTL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PgFixture {
  /** A fresh schema name (dropped in afterAll) and the --state URL for it. */
  fresh(): { schema: string; url: string };
  /** Admin queries on the test database. */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<T>>;
  /** Registers something to close in afterAll (stores' pools). */
  onCleanup(f: () => Promise<unknown>): void;
}

export function usePg(): PgFixture {
  const schemas: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  let client: pg.Client | undefined;
  beforeAll(async () => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
    try {
      await c.connect();
    } catch (err) {
      throw new Error(`these tests need PostgreSQL at ${PG_URL} (set REELCTL_TEST_PG_URL): ${(err as Error).message}`);
    }
    client = c;
  });
  afterAll(async () => {
    for (const f of cleanups) await f().catch(() => undefined);
    for (const s of schemas) await client?.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await client?.end();
  });
  return {
    fresh() {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      const u = new URL(PG_URL);
      u.searchParams.set('schema', schema);
      return { schema, url: u.toString() };
    },
    query: (text, values) => {
      if (!client) throw new Error(`no connection to ${PG_URL}`);
      return client.query(text, values);
    },
    onCleanup: (f) => void cleanups.push(f),
  };
}
