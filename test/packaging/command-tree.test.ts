// Root --help and `completion` are built from command-tree.gen.ts instead of every command module (issue 19
// item 7). The description must be current, and what people see must be the same as from the real tree.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/cli.js';
import { buildProgram } from '../../src/cli/program.js';
import { completionScript, SHELLS } from '../../src/cli/completion.js';
import { COMMAND_TREE } from '../../src/cli/command-tree.gen.js';
import { describeTree } from '../../src/cli/command-tree.js';

const help = (p: Awaited<ReturnType<typeof buildProgram>>) => (p.configureOutput({ getOutHelpWidth: () => 100 }), p.helpInformation());

describe('command tree for --help and completion', () => {
  it('command-tree.gen.ts describes the real commands (else: npm run build && node scripts/gen-cli-tree.mjs)', async () => {
    const full = await buildProgram(['node', 'reelctl', '--help'], { full: true });
    expect(COMMAND_TREE).toEqual(JSON.parse(JSON.stringify(describeTree(full, new Set(['completion', '__complete'])))));
    expect(readFileSync(path.join(ROOT, 'src/cli/command-tree.gen.ts'), 'utf8')).toContain('do not edit');
  });

  it('root --help and every completion script are the same from the stand-ins as from the real tree', async () => {
    const light = await buildProgram(['node', 'reelctl', '--help']);
    const full = await buildProgram(['node', 'reelctl', '--help'], { full: true });
    expect(light.commands.map((c) => c.name())).toEqual(full.commands.map((c) => c.name()));
    expect(help(light)).toEqual(help(full));
    const forCompletion = await buildProgram(['node', 'reelctl', 'completion', 'bash']);
    for (const shell of SHELLS) expect(completionScript(shell, forCompletion), shell).toEqual(completionScript(shell, full));
  });

  it('a command, or help for a command, still loads the real module', async () => {
    const hasAction = (c: unknown) => !!(c as { _actionHandler?: unknown })._actionHandler;
    const p = await buildProgram(['node', 'reelctl', 'help', 'plan']);
    expect(hasAction(p.commands.find((c) => c.name() === 'plan'))).toBe(true);
    expect(hasAction((await buildProgram(['node', 'reelctl', '--help'])).commands.find((c) => c.name() === 'plan'))).toBe(false); // a stand-in
    expect((await buildProgram(['node', 'reelctl', 'plan', '--help'])).commands.map((c) => c.name())).toEqual(['plan']);
  });
});
