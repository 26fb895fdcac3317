// The view contract (issue 18, Terraform's internal/command/views): a command computes a plain result and
// hands it to its view; the view alone writes. Each command's views live in src/cli/views/<command>.ts as a
// table of formats → factories taking the stream to write to (stdout/stderr in the CLI, a buffer in tests).
import { UsageError } from '../../errors.js';
import { printable } from '../../text/secrets.js';

/** Where a view writes. `isTTY` decides colour (style.ts). */
export interface Out {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * The one place a command turns its output flags into a format: `--json` means json; `-o X` must be one of
 * `named` (the formats a user may spell); neither given is `fallback` (the human view).
 */
export function pickFormat<F extends string>(flags: { json?: boolean; output?: string }, named: readonly F[], fallback: F): F {
  const want = flags.json ? 'json' : flags.output;
  if (want === undefined) return fallback;
  if ((named as readonly string[]).includes(want)) return want as F;
  const choices = named.length === 2 ? `${named[0]} or ${named[1]}` : `one of ${named.join(', ')}`;
  throw new UsageError(`-o must be ${choices}, got "${printable(want)}"`);
}

/** A result that is already text (a schema file, a generated script): written as it is. */
export function textView(out: Out): { render(text: string): void } {
  return { render: (text) => void out.write(text) };
}
