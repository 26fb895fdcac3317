// `reelctl run`: the daemon (watch manifests, reconcile continuously; SIGTERM/SIGINT → graceful stop).
import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { createLogger } from '../log.js';
import { loadManifests } from '../manifest/load.js';
import { startDaemon } from '../daemon/daemon.js';
import { parseDuration } from '../daemon/watch.js';
import { parseCommon } from './apply.js';
import { globalOptions, manifestPaths } from './context.js';
import { attachProgress } from './progress.js';
import { createRuntime } from './runtime.js';

const GRACE_MS = 9_000;

export function register(program: Command): void {
  program
    .command('run')
    .summary('run as a daemon: watch the manifests and reconcile continuously')
    .description('Run the reconciler continuously: watch the manifests (debounced, editor-safe), reload on change, resync periodically,\nserve /healthz, /readyz and /metrics, and stop gracefully on SIGTERM/SIGINT (exit 0; running renders resume at the next start).')
    .argument('[paths...]', 'manifest files or directories (default: ./manifests)')
    .option('--simulate', 'use the built-in simulator instead of the Runware API')
    .option('--listen <host:port>', 'address for /healthz, /readyz and /metrics', '127.0.0.1:9464')
    .option('--resync <duration>', 'full resync period (e.g. 30s, 5m, 1h)', '5m')
    .option('--concurrency <n>', 'renders in flight at once', '4')
    .option('--max-cost <usd>', 'stop submitting once this much would be spent by this process')
    .option('--supersede <mode>', 'a spec edited mid-render: wait or abandon', 'wait')
    .addHelpText('after', '\nExamples:\n  reelctl run --simulate                      # try the daemon locally\n  reelctl run /manifests --state /data/state.json --out /data/outputs --listen 0.0.0.0:9464\n  curl -s 127.0.0.1:9464/readyz')
    .action(async (paths: string[], f: { simulate?: boolean; listen: string; resync: string; concurrency: string; maxCost?: string; supersede: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const common = parseCommon(f);
      let resyncMs: number;
      try {
        resyncMs = parseDuration(f.resync);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const logger = createLogger({ format: g.logFormat });
      const runtime = await createRuntime(g, { ...common, simulate: !!f.simulate, logger, command: 'reelctl run' });
      const detach = attachProgress(runtime.controller, { stream: process.stderr, format: g.logFormat, logger });
      const version = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
      const daemon = await startDaemon({ paths: manifestPaths(paths), load: loadManifests, runtime, listen: f.listen, resyncMs, logger, version });
      const onSignal = (sig: string) => {
        setTimeout(() => {
          logger.warn('graceful stop took too long; exiting');
          process.exit(0);
        }, GRACE_MS).unref();
        process.once('SIGTERM', () => process.exit(0));
        process.once('SIGINT', () => process.exit(0));
        void daemon.stop(sig);
      };
      process.once('SIGTERM', () => onSignal('SIGTERM'));
      process.once('SIGINT', () => onSignal('SIGINT'));
      await daemon.stopped;
      detach();
      logger.info('stopped');
    });
}
