// Runs the built CLI (dist/, built by `npm test`) as a child process, as a user would.
import { execa, type Options } from 'execa';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const BIN = path.join(ROOT, 'dist', 'cmd', 'reelctl.js');

export function reelctl(args: string[], opts: Options = {}) {
  return execa('node', [BIN, ...args], { reject: false, cwd: ROOT, env: { NO_COLOR: '1', ...opts.env }, timeout: 60_000, ...opts });
}
