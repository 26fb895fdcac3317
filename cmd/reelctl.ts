#!/usr/bin/env node
// Thin entry point: build the program, run the command, map errors to exit codes (loaded only on error).
import { buildProgram } from '../src/cli/program.js';

try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (err) {
  const { reportError } = await import('../src/cli/report-error.js');
  process.exitCode = reportError(err);
}
