// PostgreSQL failures → one clear line naming the server (the URL without its password). node-postgres
// never puts the password in its messages, and we never put the config in ours; the CLI scrubs any
// registered secret on top of that.
import { StateError } from '../../errors.js';

interface PgLikeError {
  code?: string;
  message?: string;
  errors?: PgLikeError[];
}

/** invalid_password, invalid_authorization_specification (unknown role, no pg_hba entry). */
const AUTH = new Set(['28P01', '28000']);

/**
 * The server ended our session (an idle transaction past idle_in_transaction_session_timeout, an admin's
 * pg_terminate_backend, a restart), or the connection dropped: the pool opens a new one for the next query.
 */
const LOST = new Set(['25P03', '57P01', '57P02', '57P03']);
const LOST_RE = /Connection terminated unexpectedly|not queryable/i;

/** Wraps any error from `pg` (connection or query) as a StateError; StateErrors pass through. */
export function pgError(err: unknown, label: string, doing: string): StateError {
  if (err instanceof StateError) return err;
  const e = (err ?? {}) as PgLikeError;
  // An AggregateError (IPv4 + IPv6 attempts) carries the useful code on its parts.
  const code = e.code ?? e.errors?.[0]?.code;
  const detail = firstLine(e.message || e.errors?.[0]?.message || String(err));
  let message: string;
  let kind = 'state.pg';
  // Checked first: the server's own message for 25P03 says "timeout", which is no unreachable server.
  if ((code && LOST.has(code)) || code === 'ECONNRESET' || code === 'EPIPE' || LOST_RE.test(detail)) {
    message = `PostgreSQL at ${label}: the connection was lost while ${doing} (${detail}); the next attempt reconnects`;
    kind = 'state.pg-connection-lost';
  } else if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EHOSTUNREACH' ||
    code === 'ETIMEDOUT' ||
    code === 'EAI_AGAIN' ||
    /timeout/i.test(detail)
  ) {
    message = `cannot reach PostgreSQL at ${label} (${code ?? detail}); is the server running and the URL right?`;
    kind = 'state.pg-unreachable';
  } else if (code && AUTH.has(code)) {
    message = `PostgreSQL at ${label} refused the login (${detail}); check the user and the password (URL or PGPASSWORD)`;
    kind = 'state.pg-auth';
  } else if (code === '3D000') {
    message = `PostgreSQL at ${label}: ${detail}; create it first (createdb) or fix the URL`;
    kind = 'state.pg-no-database';
  } else {
    message = `PostgreSQL at ${label}: ${doing} failed: ${detail}${code ? ` (${code})` : ''}`;
  }
  return new StateError(message, { code: kind, retryable: kind === 'state.pg-unreachable' || kind === 'state.pg-connection-lost', cause: err });
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
