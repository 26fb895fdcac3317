// `reelctl plan`: diff manifests against state; no network (unless --verify-remote), never writes state.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { ReelctlError } from '../errors.js';
import { resolveLocalInputs } from '../manifest/local-inputs.js';
import { apiUrl, resolveApiKey } from '../provider/runware/api-key.js';
import { createRunwareProvider } from '../provider/runware/http-provider.js';
import { startSimulator } from '../provider/sim/server.js';
import { verifyRemote, type RemoteCheck } from '../plan/remote-check.js';
import { remoteJson, renderRemoteHuman, renderRemoteMarkdown } from '../plan/views/remote.js';
import { systemClock } from '../clock.js';
import { FileStateStore } from '../state/file-store.js';
import { needsAction } from '../plan/model.js';
import { renderJson } from '../plan/views/json.js';
import { renderMarkdown } from '../plan/views/markdown.js';
import { globalOptions, manifestPaths } from './context.js';
import { computePlan, planText } from './plan-view.js';
import { makeStyle } from './style.js';
import { loadOrThrow } from './validate.js';
import { UsageError } from '../errors.js';

interface PlanFlags {
  json?: boolean;
  markdown?: boolean;
  detailedExitcode?: boolean;
  prune?: boolean;
  showUnchanged?: boolean;
  verifyRemote?: boolean;
  simulate?: boolean;
}

export function register(program: Command): void {
  program
    .command('plan')
    .summary('show what apply would render, move, download or delete, and what it would cost')
    .description('Compare the manifests with the state file and show what `reelctl apply` would do, with the estimated cost.\nNever touches the network and never writes state.')
    .argument('[paths...]', 'manifest files or directories (default: ./manifests)')
    .option('--json', 'print the plan as JSON (contract: version, changes, summary)')
    .option('--markdown', 'print the plan as Markdown, for a pull-request comment')
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are (or a video needs attention: Failed, stuck, drifted), 1 on error')
    .option('--prune', 'plan deletion (archiving) of videos whose manifests were removed')
    .option('--show-unchanged', 'also list videos that are up to date')
    .option('--verify-remote', 'send the planned renders to the API as a dry run (X-Runware-Dry-Run: 1): it validates them and quotes the exact cost, spending nothing; exit 1 if it refuses any')
    .option('--simulate', 'with --verify-remote: ask the built-in simulator instead of the API (no key needed)')
    .addHelpText(
      'after',
      '\nExamples:\n  reelctl plan\n  reelctl plan -l campaign=launch\n  reelctl plan --markdown --detailed-exitcode > plan.md   # in CI; exit 2 = changes pending\n  reelctl plan --json | jq .summary.estimatedCostUsd\n  reelctl plan --verify-remote                              # the API checks each planned request and quotes it; free',
    )
    .action(async (paths: string[], flags: PlanFlags, cmd: Command) => {
      if (flags.json && flags.markdown) throw new UsageError('choose one of --json and --markdown');
      if (flags.simulate && !flags.verifyRemote) throw new UsageError('--simulate only applies with --verify-remote (plan never talks to the API otherwise)');
      const g = globalOptions(cmd);
      const { videos } = await loadOrThrow(manifestPaths(paths));
      const state = await new FileStateStore(g.state).read();
      const plan = await computePlan(videos, state, g, { prune: !!flags.prune });
      const remote = flags.verifyRemote ? await checkRemote(plan, videos, !!flags.simulate) : undefined;
      const style = makeStyle(process.stdout);
      const text = flags.json
        ? renderJson(plan, remote ? { remote: remoteJson(remote) } : {})
        : flags.markdown
          ? renderMarkdown(plan) + (remote ? renderRemoteMarkdown(remote) : '')
          : planText(plan, style, { showNoop: !!flags.showUnchanged }) + (remote ? renderRemoteHuman(remote, style) : '');
      process.stdout.write(text);
      if (remote && remote.refused + remote.unverified > 0)
        throw new ReelctlError(`the API ${remote.refused ? `refused ${remote.refused}` : ''}${remote.refused && remote.unverified ? ' and ' : ''}${remote.unverified ? `could not verify ${remote.unverified}` : ''} of ${remote.checked} planned render(s); see the remote check above`, { code: 'plan.remote-refused' });
      if (flags.detailedExitcode && needsAction(plan)) process.exitCode = 2;
    });
}

/** The dry run against the API (key from RUNWARE_API_KEY / _FILE), or against an in-process simulator. */
async function checkRemote(plan: Parameters<typeof verifyRemote>[0], videos: Parameters<typeof verifyRemote>[1], simulate: boolean): Promise<RemoteCheck> {
  const key = simulate ? undefined : resolveApiKey(process.env);
  if (!simulate && !key) throw new ReelctlError('--verify-remote needs the Runware API key: set RUNWARE_API_KEY or RUNWARE_API_KEY_FILE, or add --simulate to ask the built-in simulator', { code: 'config.no-key' });
  const sim = simulate ? await startSimulator({}) : undefined;
  try {
    const provider = createRunwareProvider({ baseUrl: sim?.url ?? apiUrl(process.env), apiKey: sim?.apiKey ?? key! });
    return await verifyRemote(plan, videos, { provider, resolveRequest: resolveLocalInputs, newUUID: randomUUID, sleep: (ms, signal) => systemClock.sleep(ms, signal) });
  } finally {
    await sim?.close();
  }
}
