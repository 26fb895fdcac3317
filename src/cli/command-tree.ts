// A description of the command tree light enough to load without the commands (issue 19 item 7): root
// `--help` and `completion` need only names, arguments, summaries and flags, yet registering the real
// commands imports ajv, pino, prom-client, pg … (~5× a bare node start). command-tree.gen.ts holds this
// description, generated from the real tree by scripts/gen-cli-tree.mjs; test/packaging/command-tree.test.ts
// fails when it is stale, and checks that help and completion scripts are the same either way.
import { Command } from 'commander';

export interface CommandSpec {
  name: string;
  summary?: string;
  description: string;
  hidden?: boolean;
  args: { name: string; required: boolean; variadic: boolean }[];
  options: { flags: string; description: string }[];
}

/** The tree of a fully built program, minus the commands registered for real (completion). */
export function describeTree(program: Command, real: Set<string>): CommandSpec[] {
  return program.commands
    .filter((c) => !real.has(c.name()))
    .map((c) => {
      const hidden = (c as unknown as { _hidden?: boolean })._hidden;
      return {
        name: c.name(),
        ...(c.summary() ? { summary: c.summary() } : {}),
        description: c.description(),
        ...(hidden ? { hidden: true } : {}),
        args: c.registeredArguments.map((a) => ({ name: a.name(), required: a.required, variadic: a.variadic })),
        options: c.options.map((o) => ({ flags: o.flags, description: o.description })),
      };
    });
}

/** Registers a stand-in for `spec`: it lists and completes like the real command, and never runs. */
export function addStub(program: Command, spec: CommandSpec): void {
  const c = new Command(spec.name).description(spec.description);
  if (spec.summary) c.summary(spec.summary);
  for (const a of spec.args) c.argument(a.required ? `<${a.name}${a.variadic ? '...' : ''}>` : `[${a.name}${a.variadic ? '...' : ''}]`);
  for (const o of spec.options) c.option(o.flags, o.description);
  program.addCommand(c, spec.hidden ? { hidden: true } : {});
}
