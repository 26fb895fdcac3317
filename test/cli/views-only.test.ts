// Every command renders through a view (issue 18 item 3, Terraform's internal/command/views): commands
// compute a result and hand it to their view in src/cli/views/; only views write. This scans the command
// files (src/cli/*.ts) and the daemon (src/daemon/**, pino logs only) as text for a direct write to the
// process's streams or the console. progress.ts is the live terminal view of apply/run (it writes to the
// stream it is given), so is confirm.ts (apply's question): neither writes to process.* either.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..');
const WRITES = /\bprocess\.(stdout|stderr)\.write\b|\bconsole\.(log|info|warn|error|debug|dir|table)\b/;

function files(dir: string, recursive: boolean): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return recursive ? files(rel, true) : [];
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** `file:line: text` of every direct write in `text` (comments included: the rule is read literally). */
function directWrites(file: string, text: string): string[] {
  return text.split('\n').flatMap((l, i) => (WRITES.test(l) ? [`${file}:${i + 1}: ${l.trim()}`] : []));
}

describe('commands render only through views', () => {
  const scanned = [...files('src/cli', false), ...files('src/daemon', true)];

  it('no command file or daemon file writes to stdout/stderr/console itself', () => {
    expect(scanned.length).toBeGreaterThan(20);
    expect(scanned.flatMap((f) => directWrites(f, readFileSync(path.join(root, f), 'utf8')))).toEqual([]);
  });

  it('the check catches the habit it forbids', () => {
    expect(directWrites('x.ts', "const a = 1;\n  process.stdout.write(`${n} valid\\n`);\nconsole.log('hi')")).toEqual([
      'x.ts:2: process.stdout.write(`${n} valid\\n`);',
      "x.ts:3: console.log('hi')",
    ]);
    expect(directWrites('x.ts', 'await store.write(state); out.write(text); progress.print(s)')).toEqual([]);
  });

  it('every command with output has its views in src/cli/views/', () => {
    for (const cmd of ['status', 'describe', 'validate', 'plan', 'apply', 'run', 'version', 'init', 'sim', 'state', 'completion', 'error'])
      expect(files('src/cli/views', false), cmd).toContain(path.join('src/cli/views', `${cmd}.ts`));
  });
});
