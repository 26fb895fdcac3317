// `reelctl status`: what the state file says, rendered by the status views (views/status.ts).
import type { Command } from 'commander';
import { readStateOnce } from '../state/read-once.js';
import { globalOptions } from './context.js';
import { STATUS_FORMATS, STATUS_VIEWS } from './views/status.js';
import { pickFormat } from './views/view.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('show what the state file records: phase, task, outputs, cost and last message per video')
    .option('-o, --output <format>', `json (the contract, as --json), yaml or wide`)
    .option('--json', 'print the contract JSON (version, videos); same as -o json')
    .addHelpText(
      'after',
      '\nExamples:\n  reelctl status\n  reelctl status -o wide -l campaign=launch\n  reelctl status -o yaml\n  reelctl status --json | jq \'.videos[] | select(.phase=="Failed")\'',
    )
    .action(async (flags: { json?: boolean; output?: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const view = STATUS_VIEWS[pickFormat(flags, STATUS_FORMATS, 'human')](process.stdout);
      const state = await readStateOnce(g.state, g.out, process.env);
      await view.render({ state, selector: g.selector, now: Date.now(), statePath: g.state });
    });
}
