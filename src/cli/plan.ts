// `reelctl plan`: diff manifests against state; no network, never writes state.
import type { Command } from 'commander';
import { FileStateStore } from '../state/file-store.js';
import { createPlan } from '../plan/planner.js';
import { hasChanges } from '../plan/model.js';
import { renderHuman } from '../plan/views/human.js';
import { renderJson } from '../plan/views/json.js';
import { renderMarkdown } from '../plan/views/markdown.js';
import { checkAllOutputs } from '../store/output-check.js';
import { globalOptions, manifestPaths } from './context.js';
import { makeStyle } from './style.js';
import { loadOrThrow } from './validate.js';
import { UsageError } from '../errors.js';

interface PlanFlags {
  json?: boolean;
  markdown?: boolean;
  detailedExitcode?: boolean;
  prune?: boolean;
  showUnchanged?: boolean;
}

export function register(program: Command): void {
  program
    .command('plan')
    .summary('show what apply would render, move, download or delete, and what it would cost')
    .description('Compare the manifests with the state file and show what `reelctl apply` would do, with the estimated cost.\nNever touches the network and never writes state.')
    .argument('[paths...]', 'manifest files or directories (default: ./manifests)')
    .option('--json', 'print the plan as JSON (contract: version, changes, summary)')
    .option('--markdown', 'print the plan as Markdown, for a pull-request comment')
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('--prune', 'plan deletion (archiving) of videos whose manifests were removed')
    .option('--show-unchanged', 'also list videos that are up to date')
    .addHelpText(
      'after',
      '\nExamples:\n  reelctl plan\n  reelctl plan -l campaign=launch\n  reelctl plan --markdown --detailed-exitcode > plan.md   # in CI; exit 2 = changes pending\n  reelctl plan --json | jq .summary.estimatedCostUsd',
    )
    .action(async (paths: string[], flags: PlanFlags, cmd: Command) => {
      if (flags.json && flags.markdown) throw new UsageError('choose one of --json and --markdown');
      const g = globalOptions(cmd);
      const { videos } = await loadOrThrow(manifestPaths(paths));
      const state = await new FileStateStore(g.state).read();
      const status = await checkAllOutputs(g.out, state);
      const plan = createPlan(videos, state, { prune: !!flags.prune, selector: g.selector, outputStatus: (p) => status.get(p) ?? 'ok' });
      const text = flags.json ? renderJson(plan) : flags.markdown ? renderMarkdown(plan) : renderHuman(plan, makeStyle(process.stdout), { showNoop: !!flags.showUnchanged });
      process.stdout.write(text);
      if (flags.detailedExitcode && hasChanges(plan)) process.exitCode = 2;
    });
}
