#!/usr/bin/env node
// Thin entry point: build the program, run a command, map errors to exit codes (contract.md).
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { ManifestError, ReelctlError } from '../src/errors.js';
import { scrub } from '../src/log.js';
import * as validate from '../src/cli/validate.js';
import * as plan from '../src/cli/plan.js';
import * as apply from '../src/cli/apply.js';
import * as run from '../src/cli/run.js';
import * as status from '../src/cli/status.js';
import * as sim from '../src/cli/sim.js';
import * as schema from '../src/cli/schema.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('reelctl')
    .description('GitOps for AI video: make rendered videos match the YAML manifests in your repo')
    .version(pkg.version, '-V, --version')
    .option('--state <file>', 'state file', '.reelctl/state.json')
    .option('--out <dir>', 'output directory', 'outputs')
    .option('-l, --selector <key=value>', 'only videos whose labels match (repeatable)', collect, [])
    .option('--log-format <format>', 'text or json', 'text')
    .showHelpAfterError()
    .exitOverride();
  for (const c of [validate, plan, apply, run, status, sim, schema]) c.register(program);
  return program;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** Exit code of a thrown error; prints it the way a user should see it. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
  if (err instanceof ManifestError) {
    for (const p of err.problems) stderr.write(scrub(`${p.file}:${p.line}:${p.col}: ${p.message}`) + '\n');
    stderr.write(`error: ${err.problems.length} problem(s) found\n`);
    return err.exitCode;
  }
  if (err instanceof ReelctlError) {
    stderr.write(scrub(`error: ${err.format()}`) + '\n');
    return err.exitCode;
  }
  const msg = err instanceof Error ? err.message : String(err);
  stderr.write(scrub(`error: ${msg}`) + '\n');
  if (process.env.REELCTL_DEBUG && err instanceof Error && err.stack) stderr.write(scrub(err.stack) + '\n');
  return 1;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

await main();
