#!/usr/bin/env node
// Thin entry point: build the program, run the command, map errors to exit codes (loaded only on error).
import { buildProgram } from '../src/cli/program.js';
import { armFailpoints } from '../src/failpoints.js';
import { registerEnvSecrets } from '../src/text/secrets.js';

// A reader that went away (`reelctl status | head -1`) makes writes fail with EPIPE: an unhandled stream
// error would end an apply mid-work with a stack trace. Output is lost either way; the work is not.
for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);
// The environment is read here, at the edge: secrets to redact, and the crash tests' failpoints.
registerEnvSecrets(process.env);
armFailpoints(process.env.REELCTL_FAILPOINT);

try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (err) {
  const { reportError } = await import('../src/cli/report-error.js');
  process.exitCode = reportError(err);
}
