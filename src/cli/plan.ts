// `reelctl plan`: diff manifests against state; no network (unless --verify-remote), never writes state.
// Only what every plan needs is imported up front: the remote check (provider, simulator) and recording a
// dry run that was not dry (the state store's lock, PostgreSQL) load with --verify-remote only.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { ReelctlError } from '../errors.js';
import { resolveLocalInputs } from '../manifest/local-inputs.js';
import type { RemoteCheck, verifyRemote } from '../plan/remote-check.js';
import { readStateOnce } from '../state/read-once.js';
import { needsAction } from '../plan/model.js';
import { globalOptions, manifestPaths } from './context.js';
import { manifestCache } from './manifest-cache.js';
import { computePlan } from './compute-plan.js';
import { PLAN_VIEWS } from './views/plan.js';
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
  verifyOutputs?: boolean;
}

export function register(program: Command): void {
  program
    .command('plan')
    .summary('show what apply would render, move, download or delete, and what it would cost')
    .description(
      'Compare the manifests with the state file and show what `reelctl apply` would do, with the estimated cost.\nNever touches the network and never writes state, with one exception: when a --verify-remote dry run\nwas not dry (the API started renders), those renders are recorded so that apply does not pay for them again.',
    )
    .argument('[paths...]', 'manifest files or directories (default: ./manifests)')
    .option('--json', 'print the plan as JSON (contract: version, changes, summary)')
    .option('--markdown', 'print the plan as Markdown, for a pull-request comment')
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are (or a video needs attention: Failed, stuck, drifted), 1 on error')
    .option('--prune', 'plan deletion (archiving) of videos whose manifests were removed')
    .option('--verify-outputs', 'hash every downloaded file (sha256) instead of trusting an unchanged size, mtime and inode')
    .option('--show-unchanged', 'also list videos that are up to date')
    .option(
      '--verify-remote',
      "send the planned renders to the API as a dry run (X-Runware-Dry-Run: 1): it validates them and quotes the exact cost; exit 1 if it refuses any.\nThe header is not in Runware's API reference, so reelctl then asks getResponse whether anything started: if so it exits 1\nwith the count and cost, and records those renders so that apply downloads them instead of paying again",
    )
    .option(
      '--simulate',
      'plan what `apply --simulate` would do (its own state, .reelctl/simulated/state.json, by default); with --verify-remote, the built-in simulator answers instead of the API (no key needed)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  reelctl plan\n  reelctl plan -l campaign=launch\n  reelctl plan --markdown --detailed-exitcode > plan.md   # in CI; exit 2 = changes pending\n  reelctl plan --json | jq .summary.estimatedCostUsd\n  reelctl plan --verify-remote                              # the API checks and quotes each planned request (then proven dry)',
    )
    .action(async (paths: string[], flags: PlanFlags, cmd: Command) => {
      if (flags.json && flags.markdown) throw new UsageError('choose one of --json and --markdown');
      // --simulate plans what `apply --simulate` would do: its own state by default, simulated records count as
      // renders; with --verify-remote the built-in simulator answers instead of the API.
      const g = globalOptions(cmd, { simulate: !!flags.simulate });
      const { videos } = await loadOrThrow(manifestPaths(paths), await manifestCache(g.state));
      const state = await readStateOnce(g.state, g.out, process.env);
      const plan = await computePlan(videos, state, g, { prune: !!flags.prune, simulated: !!flags.simulate, verifyOutputs: !!flags.verifyOutputs });
      const remote = flags.verifyRemote ? await checkRemote(plan, videos, !!flags.simulate) : undefined;
      PLAN_VIEWS[flags.json ? 'json' : flags.markdown ? 'markdown' : 'human'](process.stdout, { showNoop: !!flags.showUnchanged }).render({
        plan,
        ...(remote ? { remote } : {}),
      });
      if (remote && remote.started.length > 0) throw await dryRunNotDry(g.state, g.out, remote, videos);
      if (remote && remote.unconfirmed.length > 0)
        throw new ReelctlError(
          `could not prove that the dry run started nothing for ${remote.unconfirmed.length} planned render(s) (${remote.unconfirmed.join(', ')}): getResponse did not answer; run plan --verify-remote again before apply`,
          { code: 'plan.dry-run-unconfirmed' },
        );
      if (remote && remote.refused + remote.unverified > 0)
        throw new ReelctlError(
          `the API ${remote.refused ? `refused ${remote.refused}` : ''}${remote.refused && remote.unverified ? ' and ' : ''}${remote.unverified ? `could not verify ${remote.unverified}` : ''} of ${remote.checked} planned render(s); see the remote check above`,
          { code: 'plan.remote-refused' },
        );
      if (flags.detailedExitcode && needsAction(plan)) process.exitCode = 2;
    });
}

/** The dry run against the API (key from RUNWARE_API_KEY / _FILE), or against an in-process simulator. */
async function checkRemote(plan: Parameters<typeof verifyRemote>[0], videos: Parameters<typeof verifyRemote>[1], simulate: boolean): Promise<RemoteCheck> {
  const [{ buildProvider, providerSource }, { verifyRemote }, { systemClock }] = await Promise.all([
    import('./provider-env.js'),
    import('../plan/remote-check.js'),
    import('../clock.js'),
  ]);
  const source = providerSource(
    simulate,
    process.env,
    '--verify-remote needs the Runware API key: set RUNWARE_API_KEY or RUNWARE_API_KEY_FILE, or add --simulate to ask the built-in simulator',
  );
  const { provider, sim } = await buildProvider(source);
  try {
    return await verifyRemote(plan, videos, {
      provider,
      resolveRequest: resolveLocalInputs,
      newUUID: randomUUID,
      sleep: (ms, signal) => systemClock.sleep(ms, signal),
    });
  } finally {
    await sim?.close();
  }
}

/**
 * The API ignored the dry-run header and started real renders. They are recorded in the state (under its
 * lock) as accepted attempts of their videos, so the next apply polls and downloads them instead of paying
 * again; the error says how many started and what they cost.
 */
async function dryRunNotDry(statePath: string, out: string, remote: RemoteCheck, videos: Parameters<typeof verifyRemote>[1]): Promise<ReelctlError> {
  const cost = remote.started.filter((x) => !x.failed).reduce((sum, x) => sum + x.costUsd, 0);
  const what = `the dry run was not dry: Runware started ${remote.started.length} render(s) (${remote.started.map((x) => x.name).join(', ')}), about $${cost.toFixed(2)}`;
  const [{ openState }, { adoptStarted }, { emptyState }] = await Promise.all([
    import('../state/open.js'),
    import('../plan/dry-run-proof.js'),
    import('../state/transitions.js'),
  ]);
  const opened = openState(statePath, out, process.env);
  const store = opened.store;
  try {
    const lock = await store.lock('reelctl plan --verify-remote (recording renders a dry run started)');
    try {
      const state = (await store.read()) ?? emptyState();
      const n = adoptStarted(state, remote.started, videos, Date.now());
      if (n > 0) await store.write(state);
    } finally {
      await lock.release().finally(() => opened.dispose());
    }
  } catch (err) {
    const ids = remote.started.map((x) => `${x.name}=${x.taskUUID}`).join(', ');
    return new ReelctlError(
      `${what}. They could NOT be recorded in the state (${(err as Error).message}); before apply, record these task UUIDs or apply pays again: ${ids}`,
      { code: 'plan.dry-run-not-dry', cause: err },
    );
  }
  return new ReelctlError(
    `${what}. They are recorded in the state as accepted renders: the next apply downloads them instead of paying again (the API ignored X-Runware-Dry-Run)`,
    { code: 'plan.dry-run-not-dry' },
  );
}
