// SIGTERM/SIGINT handling for the daemon (and containers): the first signal starts a graceful stop and
// exits 0 when it is done — or when the grace deadline passes, so an orchestrator's SIGKILL never has
// to; a second signal exits at once (128 + signal number, as shells report it).
import type { Logger } from '../log.js';

const DEFAULT_GRACE_MS = 10_000;
// Leave headroom under a 10 s orchestrator grace period for the process to actually exit.
const DEADLINE_MS = DEFAULT_GRACE_MS - 1_000;

export interface SignalOptions {
  stop: (reason: string) => Promise<void>;
  logger: Logger;
  /** Default: the real process. Tests pass an EventEmitter. */
  proc?: Pick<NodeJS.Process, 'on' | 'off'>;
  exit?: (code: number) => void;
  deadlineMs?: number;
}

const CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Installs the handlers; returns an uninstaller. */
export function handleSignals(o: SignalOptions): () => void {
  const proc = o.proc ?? process;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  let deadline: NodeJS.Timeout | undefined;

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      o.logger.warn({ signal }, 'second signal: exiting now');
      return exit(CODES[signal] ?? 1);
    }
    stopping = true;
    o.logger.info({ signal }, 'signal received: stopping gracefully (send again to exit at once)');
    deadline = setTimeout(() => {
      // Still exit 0: in-flight state is persisted before every remote call, and running remote tasks
      // are picked up again at the next start.
      o.logger.warn({ deadlineMs: o.deadlineMs ?? DEADLINE_MS }, 'graceful stop took too long; exiting anyway');
      exit(0);
    }, o.deadlineMs ?? DEADLINE_MS);
    o.stop(signal).then(
      () => {
        clearTimeout(deadline);
        exit(0);
      },
      (err: unknown) => {
        clearTimeout(deadline);
        o.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'graceful stop failed');
        exit(1);
      },
    );
  };

  proc.on('SIGTERM', onSignal);
  proc.on('SIGINT', onSignal);
  return () => {
    clearTimeout(deadline);
    proc.off('SIGTERM', onSignal);
    proc.off('SIGINT', onSignal);
  };
}
