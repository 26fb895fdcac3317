// `--state postgres://USER[:PASSWORD]@HOST:PORT/DB?schema=NAME` → a node-postgres config and a label for
// messages. The password (from the URL or PGPASSWORD) goes into the config only: the label, every error
// and every log line show the URL without it.
import type { PoolConfig } from 'pg';
import { envInt } from '../../env-int.js';
import { UsageError } from '../../errors.js';
import { registerSecret } from '../../text/secrets.js';

const DEFAULT_SCHEMA = 'reelctl';

export interface PgTarget {
  config: PoolConfig;
  /** The URL without its password: safe to print. */
  label: string;
  /** The schema (unquoted) holding reelctl's tables. */
  schema: string;
}

export function isPgUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/** A Postgres identifier we are willing to quote into SQL: letters, digits, underscore (≤ 63 bytes). */
const SCHEMA_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function parsePgUrl(spec: string, env: NodeJS.ProcessEnv): PgTarget {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new UsageError(`invalid --state URL "${redactPgUrl(spec)}": expected postgres://USER@HOST:PORT/DB?schema=NAME`);
  }
  const password = url.password ? decodeURIComponent(url.password) : env.PGPASSWORD;
  if (password) registerSecret(password);
  const label = redactPgUrl(spec);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname || !database || database.includes('/'))
    throw new UsageError(`invalid --state URL "${label}": expected postgres://USER@HOST:PORT/DB?schema=NAME (host and database are required)`);
  const schema = url.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  if (!SCHEMA_RE.test(schema)) throw new UsageError(`invalid schema "${schema}" in --state URL: use letters, digits and _ (at most 63)`);
  for (const k of url.searchParams.keys())
    if (k !== 'schema' && k !== 'sslmode' && k !== 'application_name')
      throw new UsageError(`unknown parameter "${k}" in --state URL ${label}: only schema, sslmode and application_name are understood`);
  const sslmode = url.searchParams.get('sslmode');
  const config: PoolConfig = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : 5432,
    database,
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(password ? { password } : {}),
    ...(sslmode && sslmode !== 'disable' ? { ssl: sslmode === 'require' ? { rejectUnauthorized: false } : true } : {}),
    application_name: url.searchParams.get('application_name') ?? 'reelctl',
    connectionTimeoutMillis: envInt(env, 'REELCTL_PG_CONNECT_TIMEOUT_MS', 10_000, { min: 1, max: 3_600_000 }),
    // A transaction of ours left idle (the process frozen between two statements: SIGSTOP, a GC pause, a
    // suspended VM) is ended by the server, with its session, before a claim (15 s) could expire under it:
    // whatever row locks it held no longer keep other replicas from taking over (docs/reliability.md).
    idle_in_transaction_session_timeout: envInt(env, 'REELCTL_PG_IDLE_TX_TIMEOUT_MS', 10_000, { min: 0, max: 3_600_000 }),
  };
  return { config, label, schema };
}

/** The URL with any password replaced by `***` (also for strings that do not parse as a URL). */
export function redactPgUrl(spec: string): string {
  return spec.replace(/^(postgres(?:ql)?:\/\/[^:@/?#]*):[^@/?#]*@/i, '$1:***@');
}

/** A safely quoted identifier (the schema was checked against SCHEMA_RE already). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
