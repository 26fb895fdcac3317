// `reelctl apply`: one-shot reconcile until every selected video is Ready, Failed or Suspended.
import type { Command } from 'commander';
import { systemClock } from '../clock.js';
import { UsageError } from '../errors.js';
import { createLogger } from '../log.js';
import { hasChanges } from '../plan/model.js';
import { checkPrune, prune } from '../reconcile/prune.js';
import { askApproval, shouldAsk } from './confirm.js';
import { globalOptions, logLevel, manifestPaths } from './context.js';
import { manifestCache } from './manifest-cache.js';
import { computePlan } from './compute-plan.js';
import { humanApplyView, jsonApplyView } from './views/apply.js';
import { STATUS_VIEWS } from './views/status.js';
import { attachProgress } from './progress.js';
import { createRuntime } from './runtime.js';
import { ALLOW_DOWNLOAD_HOST, parseConcurrency, parseLockTimeout, parseMaxCost, parseSupersede } from './flags.js';
import { usd } from '../text/usd.js';
import { loadOrThrow } from './validate.js';

export interface ApplyFlags {
  simulate?: boolean;
  prune?: boolean;
  force?: boolean;
  maxCost?: string;
  concurrency: string;
  supersede: string;
  pruneMaxShare: string;
  json?: boolean;
  allowDownloadHost: string[];
  lockTimeout: string;
  autoApprove?: boolean;
  verifyOutputs?: boolean;
}

function parseCommon(f: { maxCost?: string; concurrency: string; supersede: string }) {
  const maxCostUsd = f.maxCost === undefined ? undefined : parseMaxCost(f.maxCost);
  return { concurrency: parseConcurrency(f.concurrency), maxCostUsd, supersede: parseSupersede(f.supersede) };
}

export function register(program: Command): void {
  program
    .command('apply')
    .summary('render, download and verify until reality matches the manifests')
    .description(
      'Reconcile once: submit what the plan says, poll, download and verify every output, record it in the state file,\nand exit when every selected video is Ready, Failed or Suspended. Safe to interrupt and re-run: nothing is paid twice.',
    )
    .argument('[paths...]', 'manifest files or directories (default: ./manifests)')
    .option(
      '--simulate',
      'use the built-in simulator instead of the Runware API (no key, nothing spent); state and files default to .reelctl/simulated/ and ./outputs-simulated',
    )
    .option(
      '--max-cost <usd>',
      'stop submitting once this much would be spent in this run, counting unsettled renders picked up from an interrupted run (exit 3)',
    )
    .option('--concurrency <n>', 'renders in flight at once', '4')
    .option('--supersede <mode>', 'a spec edited mid-render: wait (finish it, keep it as previous) or abandon', 'wait')
    .option('--prune', 'archive outputs of removed manifests under <out>/.archive/ and drop them from state')
    .option('--verify-outputs', 'hash every downloaded file (sha256) instead of trusting an unchanged size, mtime and inode')
    .option('--prune-max-share <fraction>', 'refuse to prune more than this share of videos', '0.5')
    .option('--force', 'prune even when the guards refuse')
    .option('--json', 'print the final status as JSON on stdout')
    .option(...ALLOW_DOWNLOAD_HOST)
    .option('--lock-timeout <duration>', 'wait this long (e.g. 30s, 5m) for another apply holding the state lock; 0 fails at once', '0')
    .option('--auto-approve', 'do not ask for approval on a terminal (without a terminal, apply never asks)')
    .addHelpText(
      'after',
      '\nExamples:\n  reelctl apply --simulate                   # try it: no key, real playable files in ./outputs-simulated\n  RUNWARE_API_KEY=… reelctl apply --max-cost 20   # shows the plan, asks for yes\n  reelctl apply --auto-approve --max-cost 20\n  reelctl apply -l campaign=launch --concurrency 8\n  reelctl apply --prune                      # archive videos whose manifests were deleted\n\nExit codes: 0 all Ready · 1 error or any Failed · 3 stopped by --max-cost or a guard.',
    )
    .action(async (paths: string[], f: ApplyFlags, cmd: Command) => {
      const g = globalOptions(cmd, { simulate: !!f.simulate });
      const common = parseCommon(f);
      const maxShare = Number(f.pruneMaxShare);
      if (!(maxShare >= 0 && maxShare <= 1)) throw new UsageError(`--prune-max-share must be between 0 and 1, got "${f.pruneMaxShare}"`);
      const lockTimeoutMs = parseLockTimeout(f.lockTimeout);
      const { videos } = await loadOrThrow(manifestPaths(paths), await manifestCache(g.state));
      const logger = createLogger({ format: g.logFormat, ...logLevel(process.env) });
      const rt = await createRuntime(g, {
        ...common,
        simulate: !!f.simulate,
        logger,
        command: 'reelctl apply',
        allowDownloadHosts: f.allowDownloadHost,
        lockTimeoutMs,
        ...(f.verifyOutputs ? { verifyOutputs: true } : {}),
      });
      // With --log-format json every stderr line is a JSON log line: the plan and the summary too.
      const view =
        g.logFormat === 'json'
          ? jsonApplyView((level, fields, msg) => logger[level](fields, msg), { simulated: !!f.simulate })
          : humanApplyView(process.stderr, { simulated: !!f.simulate });
      try {
        // The same plan `reelctl plan --prune` would print, from the state just locked; on stderr because
        // stdout is --json's.
        const plan = await computePlan(videos, rt.state, g, { prune: !!f.prune, simulated: !!f.simulate, verifyOutputs: !!f.verifyOutputs });
        view.plan(plan);
        if (hasChanges(plan) && shouldAsk({ autoApprove: !!f.autoApprove, simulate: !!f.simulate, input: process.stdin })) {
          const ok = await askApproval(
            { input: process.stdin, output: process.stderr },
            `reelctl will perform the actions described above, at an estimated ${usd(plan.summary.estimatedCostUsd)}.`,
          );
          if (!ok) {
            view.cancelled();
            process.exitCode = 1;
            return;
          }
        }
        if (f.prune) {
          const names = checkPrune(rt.state, {
            desiredNames: new Set(videos.map((v) => v.name)),
            selector: g.selector,
            maxShare,
            force: !!f.force,
            now: Date.now(),
          });
          const archived = await prune(rt.state, names, rt.artifacts, Date.now());
          if (names.length) {
            await rt.controller.flush();
            view.pruned(names, archived, g.out);
          }
        }
        const detach = attachProgress(rt.controller, {
          stream: process.stderr,
          isTTY: !!process.stderr.isTTY,
          format: g.logFormat,
          clock: systemClock,
          logger,
        });
        const ac = new AbortController();
        const onSignal = () => ac.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        rt.controller.setDesired(videos);
        const sum = await rt.controller.runToCompletion(ac.signal);
        detach();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        if (f.json) await STATUS_VIEWS.json(process.stdout).render({ state: rt.state, selector: g.selector, now: Date.now(), statePath: g.state });
        view.summary(sum);
        if (ac.signal.aborted) view.interrupted();
        process.exitCode = sum.failed > 0 ? 1 : sum.stoppedByGuard ? 3 : ac.signal.aborted ? 1 : 0;
      } finally {
        await rt.close();
      }
    });
}
