// The command tree (contract.md). cmd/reelctl.ts only runs it. Command modules are imported lazily — only
// the one being run — so `reelctl --version` and small commands do not pay for ajv, pino and the rest.
import { Command } from 'commander';
import { packageVersion } from './package-version.js';

interface CommandModule {
  register(program: Command): void;
}

/** In the order `--help` lists them. */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  validate: () => import('./validate.js'),
  plan: () => import('./plan.js'),
  apply: () => import('./apply.js'),
  run: () => import('./run.js'),
  status: () => import('./status.js'),
  describe: () => import('./describe.js'),
  sim: () => import('./sim.js'),
  schema: () => import('./schema.js'),
  init: () => import('./init.js'),
  version: () => import('./version.js'),
  completion: () => import('./completion.js'),
  state: () => import('./state.js'),
};
/** Hidden: `__complete` (the completion scripts' callback) lives in completion.js and needs nothing else. */
const HIDDEN: Record<string, () => Promise<CommandModule>> = { __complete: () => import('./completion.js') };
/** Commands that look at the whole tree (completion scripts are generated from it). */
const NEEDS_ALL = new Set(['completion', 'help']);
/** Global options that take a value (so the value is not mistaken for the command). */
const VALUED_GLOBALS = new Set(['--state', '--out', '-l', '--selector', '--log-format']);

/** The command word in `args` (after the global options), or undefined. */
export function commandWord(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUED_GLOBALS.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

export async function buildProgram(argv: string[] = process.argv, opts: { full?: boolean } = {}): Promise<Command> {
  const program = new Command('reelctl')
    .description('GitOps for AI video: make rendered videos match the YAML manifests in your repo')
    .version(packageVersion(), '-V, --version')
    .option('--state <file|url>', 'state file, or postgres://USER@HOST:PORT/DB?schema=NAME', '.reelctl/state.json')
    .option('--out <dir>', 'output directory', 'outputs')
    .option('-l, --selector <key=value>', 'only videos whose labels match (repeatable)', collect, [])
    .option('--log-format <format>', 'text or json', 'text')
    .showHelpAfterError()
    .exitOverride();
  const args = argv.slice(2);
  const word = commandWord(args);
  // `--version` alone needs no command; a known command needs only itself; anything else (help, a typo to
  // suggest a fix for, completion) gets the whole tree.
  const onlyVersion = word === undefined && args.some((a) => a === '-V' || a === '--version');
  // The root help and `completion` list the tree without running any command: stand-ins described in
  // command-tree.gen.ts do (command-tree.ts), `completion` itself is real.
  const afterHelp = word === 'help' ? args.slice(args.indexOf('help') + 1).filter((a) => !a.startsWith('-')) : [];
  if (!opts.full && !onlyVersion && (word === undefined || word === 'completion' || (word === 'help' && afterHelp.length === 0))) {
    const [{ COMMAND_TREE }, { addStub }, completion] = await Promise.all([
      import('./command-tree.gen.js'),
      import('./command-tree.js'),
      COMMANDS.completion!(),
    ]);
    for (const name of Object.keys(COMMANDS)) {
      if (name === 'completion') completion.register(program);
      for (const spec of COMMAND_TREE.filter((c) => c.name === name)) addStub(program, spec);
    }
    return program;
  }
  const names = onlyVersion ? [] : word && (COMMANDS[word] || HIDDEN[word]) && !NEEDS_ALL.has(word) && !opts.full ? [word] : Object.keys(COMMANDS);
  const modules = await Promise.all(names.map((n) => (COMMANDS[n] ?? HIDDEN[n])!()));
  for (const m of modules) m.register(program);
  return program;
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}
