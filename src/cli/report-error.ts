// The error → exit-code mapping (contract.md) and what a user is told, rendered by the error views
// (views/error.ts: one located line per problem, or one JSON line each with --log-format json). Loaded only
// when something went wrong.
import { CommanderError } from 'commander';
import { ManifestError, ReelctlError } from '../errors.js';
import { ERROR_VIEWS } from './views/error.js';

/** Exit code of a thrown error; prints it the way a user should see it. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr, format: 'text' | 'json' = logFormatOf(process.argv)): number {
  const view = ERROR_VIEWS[format](stderr);
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
  if (err instanceof ManifestError) {
    for (const p of err.problems) view.line(`${p.file}:${p.line}:${p.col}: ${p.message}`, { code: p.code, file: p.file, line: p.line, col: p.col });
    view.line(`error: ${err.problems.length} problem(s) found`, { code: err.code });
    return err.exitCode;
  }
  if (err instanceof ReelctlError) {
    view.line(`error: ${err.format()}`, { code: err.code, retryable: err.retryable });
    return err.exitCode;
  }
  const msg = err instanceof Error ? err.message : String(err);
  view.line(`error: ${msg}`);
  if (process.env.REELCTL_DEBUG && err instanceof Error && err.stack) view.stack(err.stack);
  return 1;
}

/** --log-format as given on the command line (an error can come before commander has parsed it). */
export function logFormatOf(argv: string[]): 'text' | 'json' {
  const i = argv.lastIndexOf('--log-format');
  const v = i >= 0 ? argv[i + 1] : argv.findLast((a) => a.startsWith('--log-format='))?.slice('--log-format='.length);
  return v === 'json' ? 'json' : 'text';
}
