// `reelctl run` — the daemon command. Thin: parse flags, build the logger/progress view, and hand
// startDaemon (src/daemon/daemon.ts) its loader and runtime factory; signals end it with exit 0.
import type { Command } from 'commander';
import type { Registry } from 'prom-client';
import v8 from 'node:v8';
import { systemClock } from '../clock.js';
import { UsageError } from '../errors.js';
import { createLogger } from '../log.js';
import { loadManifests } from '../manifest/load.js';
import { loadChangedManifests } from '../manifest/load-changed.js';
import type { ProviderClient } from '../provider/types.js';
import { startDaemon, type Daemon } from '../daemon/daemon.js';
import { DEFAULT_LISTEN, parseListen } from '../daemon/options.js';
import { handleSignals } from '../daemon/signals.js';
import { parseWebhookFlags, startWebhooks } from '../daemon/webhook/setup.js';
import { globalOptions, logLevel, manifestPaths, matchesSelector } from './context.js';
import { manifestCache } from './manifest-cache.js';
import { attachProgress, logAboveProgress, type Detach } from './progress.js';
import { runView } from './views/run.js';
import { createRuntime } from './runtime.js';
import { DAY_MS } from '../reconcile/budget.js';
import { packageVersion } from './package-version.js';
import { ALLOW_DOWNLOAD_HOST, parseConcurrency, parseDuration, parseLockTimeout, parseMaxCost } from './flags.js';

const EXAMPLES = `
Examples:
  # Reconcile ./manifests continuously against the local simulator (nothing is spent)
  $ reelctl run --simulate

  # Production: key from a mounted secret, metrics on all interfaces for Prometheus
  $ RUNWARE_API_KEY_FILE=/run/secrets/runware reelctl run manifests/ --listen 0.0.0.0:9464 --max-cost 25

  # Faster full resync, more parallel renders, only the launch campaign
  $ reelctl run --resync 1m --concurrency 8 -l campaign=launch

  # Webhooks: Runware calls back when a render ends (polling stays as a slow safety net)
  $ reelctl run --webhook-listen 0.0.0.0:8080 --webhook-url https://reelctl.example.com

  # Probe it
  $ curl -s localhost:9464/readyz; curl -s localhost:9464/metrics | grep reelctl_videos

Saving a manifest reloads within a second; an invalid save keeps the last good set (see /readyz).
SIGTERM or Ctrl-C stops gracefully (in-flight state is persisted; exit 0 within 10 s); a second one exits at once.
`;

interface RunFlags {
  simulate?: boolean;
  listen: string;
  resync: string;
  concurrency?: string;
  maxCost?: string;
  memory: string;
  allowDownloadHost: string[];
  webhookListen?: string;
  webhookUrl?: string;
  webhookSafetyPoll: string;
  webhookTokenGrace: string;
  lockTimeout: string;
  shared?: boolean;
}

/**
 * `--memory lean` (the default for the daemon): V8's heap heuristics favour footprint over speed, and
 * manifests are parsed on one thread. A long-running reconciler mostly waits; measured with 10,000 tracked
 * videos (npm run bench, side by side): RSS about 175 MB lean against about 300 MB with Node's defaults, for a
 * start-up load about 1.5 s slower. `fast` keeps Node's defaults.
 */
export function applyMemoryProfile(profile: string): { parallelLoad: boolean } {
  if (profile !== 'lean' && profile !== 'fast') throw new UsageError(`--memory must be lean or fast, got "${profile}"`);
  // A GC heuristics flag, read by the heap as it grows: set before the daemon allocates anything large.
  if (profile === 'lean') v8.setFlagsFromString('--optimize-for-size');
  return { parallelLoad: profile === 'fast' };
}

export function register(program: Command): void {
  program
    .command('run')
    .description('daemon: watch manifests and reconcile continuously, serving /healthz /readyz /metrics')
    .argument('[paths...]', 'manifest files or directories (default ./manifests)')
    .option(
      '--simulate',
      'use the in-process simulator: no key needed, nothing is spent; state and files default to .reelctl/simulated/ and ./outputs-simulated',
    )
    .option('--listen <host:port>', 'HTTP address for /healthz, /readyz, /metrics (port 0 = any free port)', DEFAULT_LISTEN)
    .option('--resync <duration>', 'full reload + reconcile of every video this often (e.g. 30s, 5m, 1h)', '5m')
    .option('--concurrency <n>', 'parallel renders')
    .option('--max-cost <usd>', 'spend at most this much per rolling 24 hours (recorded in the state: restarts count)')
    .option(
      '--memory <profile>',
      'lean: small footprint for a long-running container (V8 optimizes for size, one parsing thread); fast: Node defaults, quicker start-up on huge trees',
      'lean',
    )
    .option(...ALLOW_DOWNLOAD_HOST)
    .option('--webhook-listen <host:port>', 'receive Runware webhooks on this address (its own listener, never the metrics port)')
    .option('--webhook-url <url>', 'public base URL reaching --webhook-listen; submissions carry <url>/hooks/runware/<video>?token=…')
    .option('--webhook-safety-poll <duration>', 'with webhooks: longest gap between polls of a running render (bounds a lost webhook)', '5m')
    .option('--webhook-token-grace <duration>', 'with webhooks: how long REELCTL_WEBHOOK_TOKEN_PREVIOUS is still accepted after start', '1h')
    .option('--lock-timeout <duration>', 'wait this long for another holder of the state lock; 0 fails at once', '0')
    .option('--shared', 'share the videos with other `run --shared` replicas on the same PostgreSQL state (per-video claims, fencing)')
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], flags: RunFlags, cmd: Command) => {
      await runCommand(paths, flags, cmd);
    });
}

async function runCommand(args: string[], flags: RunFlags, cmd: Command): Promise<void> {
  const global = globalOptions(cmd, { simulate: !!flags.simulate });
  const { parallelLoad } = applyMemoryProfile(flags.memory);
  const listen = parseListen(flags.listen);
  const resyncMs = parseDuration(flags.resync);
  const lockTimeoutMs = parseLockTimeout(flags.lockTimeout);
  if (resyncMs < 1000) throw new UsageError(`--resync must be at least 1s, got "${flags.resync}"`);
  const concurrency = flags.concurrency === undefined ? undefined : parseConcurrency(flags.concurrency);
  const maxCostUsd = flags.maxCost === undefined ? undefined : parseMaxCost(flags.maxCost);
  const webhookFlags = parseWebhookFlags(flags, listen, parseDuration(flags.webhookSafetyPoll), parseDuration(flags.webhookTokenGrace));
  const version = packageVersion();

  // On a terminal the progress block owns the bottom of the screen: log lines are printed above it.
  const isTTY = Boolean(process.stderr.isTTY);
  let progress: Detach | undefined;
  const destination = logAboveProgress(() => progress, process.stderr);
  const logger = createLogger({ format: global.logFormat, destination, ...logLevel(process.env) });

  // Signals are handled from the first moment: a SIGTERM during startup waits for it, then stops cleanly.
  // eslint-disable-next-line prefer-const -- the signal handler installed below reads it before it is assigned
  let daemon: Promise<Daemon> | undefined;
  const abort = new AbortController();
  const uninstall = handleSignals({
    stop: async (reason) => {
      abort.abort(reason);
      const d = await daemon?.catch(() => undefined);
      await d?.stop(reason);
      progress?.();
    },
    logger,
  });
  let cache: ReturnType<typeof manifestCache> | undefined;
  daemon = startDaemon({
    paths: manifestPaths(args),
    // One parse cache for the daemon's life: a reload parses only the files that changed.
    loader: async (paths, signal) =>
      loadManifests(paths, { parallel: parallelLoad, ...(signal ? { signal } : {}), ...(await (cache ??= manifestCache(global.state))) }),
    // A saved file: only the files the watcher reported are read (the full load above runs at start and resync).
    loadChanged: (paths, changed, signal) => loadChangedManifests(paths, changed, signal ? { signal } : {}),
    createRuntime: async () => {
      const hooks = webhookFlags && (await startWebhooks(webhookFlags, { env: process.env, stateFile: global.state, logger, clock: systemClock }));
      const rt = (await createRuntime(global, {
        logger,
        command: 'reelctl run',
        allowDownloadHosts: flags.allowDownloadHost,
        lockTimeoutMs,
        ...(flags.shared ? { shared: true } : {}),
        ...(flags.simulate ? { simulate: true } : {}),
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
        ...(hooks ? { webhook: hooks.wiring } : {}),
        budgetWindowMs: DAY_MS, // a restarted or crash-looping daemon still spends at most --max-cost a day
      }).catch(async (err: unknown) => {
        await hooks?.close();
        throw err;
      })) as Awaited<ReturnType<typeof createRuntime>> & { client?: ProviderClient };
      hooks?.attach(rt.controller);
      return {
        controller: rt.controller,
        close: async () => {
          await rt.close();
          await hooks?.close();
        },
        ...(hooks ? { webhookCounts: () => hooks.receiver.counts() } : {}),
        breakerOpen: () => rt.client?.breakerOpen ?? false,
        providerStats: () => rt.client?.stats(),
        ...(rt.shared ? { attachMetrics: (r: Registry) => rt.shared!.attachMetrics(r), readinessDetails: () => rt.shared!.readinessDetails() } : {}),
        onApiRequest: rt.onApiRequest,
      };
    },
    clock: systemClock,
    logger,
    signal: abort.signal,
    listen,
    resyncMs,
    select: (v) => matchesSelector(v.labels, global.selector),
    version,
    onListening: (a) => {
      // Machine-readable for scripts (port 0), on stdout, before anything else can go wrong.
      runView(process.stdout).listening(a);
    },
    onController: (controller) => {
      progress = attachProgress(controller, { stream: process.stderr, isTTY, format: global.logFormat, clock: systemClock, logger });
    },
  });
  try {
    await daemon;
  } catch (err) {
    uninstall();
    progress?.();
    throw err;
  }
}
