// Runs the built CLI (dist/, built by `npm test`) as a child process, as a user would.
import { execa, type Options } from 'execa';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const BIN = path.join(ROOT, 'dist', 'cmd', 'reelctl.js');

/** The options a test may set; none of them changes the result's shape (stdout and stderr stay strings). */
export type CliOptions = Pick<Options, 'cwd' | 'env' | 'timeout' | 'input' | 'extendEnv' | 'cancelSignal' | 'killSignal'>;

export function reelctl(args: string[], opts: CliOptions = {}) {
  return execa('node', [BIN, ...args], { reject: false, cwd: ROOT, timeout: 60_000, ...opts, env: { NO_COLOR: '1', ...opts.env } });
}
