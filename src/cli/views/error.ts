// How a user sees an error (report-error.ts decides what to say and the exit code): one line per problem
// for people, or one JSON log line each (pino's shape, level 50) with --log-format json. Secrets redacted on
// the values (not their JSON encoding), control characters escaped (terminal-safe).
import { printable, scrubDeep } from '../../text/secrets.js';
import { toSafeJson } from '../../text/escape.js';
import type { Out } from './view.js';

export interface ErrorView {
  /** One error line; `fields` are the facts a script reads (code, file, line…), shown only as JSON. */
  line(msg: string, fields?: object): void;
  /** An unexpected error's stack (REELCTL_DEBUG), as text in both forms. */
  stack(text: string): void;
}

const stack = (err: Out) => (text: string) => void err.write(text.split('\n').map(printable).join('\n') + '\n');

export const ERROR_VIEWS: Record<'text' | 'json', (err: Out, now?: () => number) => ErrorView> = {
  text: (err) => ({ line: (msg) => void err.write(printable(msg) + '\n'), stack: stack(err) }),
  json: (err, now = Date.now) => ({
    line: (msg, fields = {}) => void err.write(toSafeJson(scrubDeep({ level: 50, time: now(), ...fields, msg })) + '\n'),
    stack: stack(err),
  }),
};
