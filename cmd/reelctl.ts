#!/usr/bin/env node
// Thin entry point: build the program, run the command, map errors to exit codes.
import { buildProgram, reportError } from '../src/cli/program.js';
import { registerEnvSecrets } from '../src/provider/runware/api-key.js';

// A reader that went away (`reelctl status | head -1`) makes writes fail with EPIPE: an unhandled stream
// error would end an apply mid-work with a stack trace. Output is lost either way; the work is not.
for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);
registerEnvSecrets(process.env);

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
