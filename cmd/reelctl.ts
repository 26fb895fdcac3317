#!/usr/bin/env node
// Thin entry point: build the program, run the command, map errors to exit codes.
import { buildProgram, reportError } from '../src/cli/program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
