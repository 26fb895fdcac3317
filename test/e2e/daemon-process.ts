// The daemon (built CLI) as a child process of a test, against the workspace's simulator: one spawn for
// every e2e daemon test. Its stderr and stdout are collected; waits are bounded and poll, never sleep.
import { execa } from 'execa';
import { BIN } from './cli.js';
import { CANARY_KEY, until, type Workspace } from './harness.js';

export interface DaemonOptions {
  /** --state (default: the workspace's state file). */
  state?: string;
  /** Flags after --listen (default: --resync 1h). */
  args?: string[];
  /** Added to the daemon's environment (simulator URL, canary key, 150 ms polls, NO_COLOR). */
  env?: Record<string, string>;
  timeout?: number;
  /** false: a graceful stop may take longer than execa's 5 s default on a busy machine; a hang shows as the timeout. */
  forceKillAfterDelay?: false;
}

export function startDaemon(w: Workspace, o: DaemonOptions = {}) {
  const child = execa(
    'node',
    [BIN, 'run', w.manifests, '--state', o.state ?? w.state, '--out', w.out, '--listen', '127.0.0.1:0', ...(o.args ?? ['--resync', '1h'])],
    {
      cwd: w.dir,
      reject: false,
      timeout: o.timeout ?? 60_000,
      ...(o.forceKillAfterDelay === false ? { forceKillAfterDelay: false as const } : {}),
      env: { RUNWARE_API_URL: w.sim.url, RUNWARE_API_KEY: CANARY_KEY, REELCTL_POLL_MS: '150', NO_COLOR: '1', ...o.env },
    },
  );
  let log = '';
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    log: () => log,
    /** host:port of --listen, from the "listening on" line (stderr in text logs, stdout in JSON logs). */
    address: (ms = 20_000) => until('the listen address', () => /listening on http:\/\/([\d.:]+)/.exec(log + out)?.[1], ms, 100),
  };
}

export type Daemon = ReturnType<typeof startDaemon>;
