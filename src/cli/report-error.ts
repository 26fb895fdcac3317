// The error → exit-code mapping (contract.md) and how a user sees an error: one located line per problem,
// or one JSON line each with --log-format json. Loaded only when something went wrong.
import { CommanderError } from 'commander';
import { ManifestError, ReelctlError } from '../errors.js';
import { printable, scrubDeep } from '../log.js';
import { toSafeJson } from '../text/escape.js';

/** Exit code of a thrown error; prints it the way a user should see it. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr, format: 'text' | 'json' = logFormatOf(process.argv)): number {
  // Secrets redacted on the values (not their JSON encoding), control characters escaped (terminal-safe).
  const line = (msg: string, fields: object = {}) =>
    stderr.write((format === 'json' ? toSafeJson(scrubDeep({ level: 50, time: Date.now(), ...fields, msg })) : printable(msg)) + '\n');
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
  if (err instanceof ManifestError) {
    for (const p of err.problems) line(`${p.file}:${p.line}:${p.col}: ${p.message}`, { code: p.code, file: p.file, line: p.line, col: p.col });
    line(`error: ${err.problems.length} problem(s) found`, { code: err.code });
    return err.exitCode;
  }
  if (err instanceof ReelctlError) {
    line(`error: ${err.format()}`, { code: err.code, retryable: err.retryable });
    return err.exitCode;
  }
  const msg = err instanceof Error ? err.message : String(err);
  line(`error: ${msg}`);
  if (process.env.REELCTL_DEBUG && err instanceof Error && err.stack) stderr.write(err.stack.split('\n').map(printable).join('\n') + '\n');
  return 1;
}

/** --log-format as given on the command line (an error can come before commander has parsed it). */
export function logFormatOf(argv: string[]): 'text' | 'json' {
  const i = argv.lastIndexOf('--log-format');
  const v = i >= 0 ? argv[i + 1] : argv.findLast((a) => a.startsWith('--log-format='))?.slice('--log-format='.length);
  return v === 'json' ? 'json' : 'text';
}
