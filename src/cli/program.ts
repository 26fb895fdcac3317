// The command tree and the error → exit-code mapping (contract.md). cmd/reelctl.ts only runs it.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';
import { ManifestError, ReelctlError } from '../errors.js';
import { printable } from '../log.js';
import * as validate from './validate.js';
import * as plan from './plan.js';
import * as apply from './apply.js';
import * as run from './run.js';
import * as status from './status.js';
import * as sim from './sim.js';
import * as schema from './schema.js';
import * as describe from './describe.js';
import * as init from './init.js';
import * as completion from './completion.js';
import * as stateCmd from './state.js';

const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('reelctl')
    .description('GitOps for AI video: make rendered videos match the YAML manifests in your repo')
    .version(pkg.version, '-V, --version')
    .option('--state <file|url>', 'state file, or postgres://USER@HOST:PORT/DB?schema=NAME', '.reelctl/state.json')
    .option('--out <dir>', 'output directory', 'outputs')
    .option('-l, --selector <key=value>', 'only videos whose labels match (repeatable)', collect, [])
    .option('--log-format <format>', 'text or json', 'text')
    .showHelpAfterError()
    .exitOverride();
  for (const c of [validate, plan, apply, run, status, describe, sim, schema, init, completion, stateCmd]) c.register(program);
  return program;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** Exit code of a thrown error; prints it the way a user should see it (secrets redacted, controls escaped). */
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
  if (err instanceof ManifestError) {
    for (const p of err.problems) stderr.write(printable(`${p.file}:${p.line}:${p.col}: ${p.message}`) + '\n');
    stderr.write(`error: ${err.problems.length} problem(s) found\n`);
    return err.exitCode;
  }
  if (err instanceof ReelctlError) {
    stderr.write(printable(`error: ${err.format()}`) + '\n');
    return err.exitCode;
  }
  const msg = err instanceof Error ? err.message : String(err);
  stderr.write(printable(`error: ${msg}`) + '\n');
  if (process.env.REELCTL_DEBUG && err instanceof Error && err.stack) stderr.write(err.stack.split('\n').map(printable).join('\n') + '\n');
  return 1;
}
