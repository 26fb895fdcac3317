#!/usr/bin/env node
// Thin entry point: build the program, run the command, map errors to exit codes (loaded only on error).
import v8 from 'node:v8';
import { buildProgram, commandWord } from '../src/cli/program.js';
import { armFailpoints } from '../src/failpoints.js';
import { registerEnvSecrets } from '../src/text/secrets.js';

// A reader that went away (`reelctl status | head -1`) makes writes fail with EPIPE: an unhandled stream
// error would end an apply mid-work with a stack trace. Output is lost either way; the work is not.
for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);
// The environment is read here, at the edge: secrets to redact, and the crash tests' failpoints.
registerEnvSecrets(process.env);
// One-shot commands load a whole manifest tree: V8 otherwise lets the heap grow to ~4× what is live before a
// full GC (a 50,000-manifest plan peaked at 560 MB with ~130 MB live). 25% headroom keeps it near 300 MB for
// a few percent more CPU (issue 19 item 3; bench/plan.ts measures both). The daemon keeps V8's default.
if (commandWord(process.argv.slice(2)) !== 'run') v8.setFlagsFromString('--heap-growing-percent=25');
armFailpoints(process.env.REELCTL_FAILPOINT);

try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (err) {
  const { reportError } = await import('../src/cli/report-error.js');
  process.exitCode = reportError(err);
}
