// The daemon (built CLI) with webhooks on, against the in-test simulator, which POSTs to each task's
// webhookURL when it ends. Waits poll the disk or the simulator (bounded), never sleep a fixed time.
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BIN } from './cli.js';
import { CANARY_KEY, readState, until, type Workspace } from './harness.js';

export { until };

export function runDaemon(w: Workspace, extra: string[], env: Record<string, string> = {}) {
  const child = execa(
    'node',
    [BIN, 'run', w.manifests, '--state', w.state, '--out', w.out, '--listen', '127.0.0.1:0', '--resync', '1h', '--log-format', 'json', ...extra],
    {
      cwd: w.dir,
      reject: false,
      env: { RUNWARE_API_URL: w.sim.url, RUNWARE_API_KEY: CANARY_KEY, REELCTL_POLL_MS: '150', NO_COLOR: '1', ...env },
      timeout: 120_000,
      // A graceful stop may take longer than execa's 5 s default on a busy machine: a hang shows as the timeout.
      forceKillAfterDelay: false,
    },
  );
  let log = '';
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const metricsAddr = until('the metrics address', () => /listening on (http:\/\/[\d.:]+)/.exec(out)?.[1]);
  return { child, metricsAddr, log: () => log };
}

export const webhookFlags = ['--webhook-listen', '127.0.0.1:0'];

/** Videos Ready in the state on disk (the snapshot plus its journal). */
export function readyCount(w: Workspace): number {
  if (!existsSync(w.state)) return 0;
  try {
    return Object.values(readState(w.state).videos).filter((v: any) => v.phase === 'Ready').length;
  } catch {
    return 0; // caught mid-rename: look again
  }
}

export function events(w: Workspace): any[] {
  const f = path.join(path.dirname(w.state), 'events.jsonl');
  return existsSync(f)
    ? readFileSync(f, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

/** Per webhook that woke a video: ms from the webhook's arrival (receiver log) to its download start (event). */
export function wakeToDownloadMs(log: string, evs: any[]): number[] {
  const woke = new Map<string, number>();
  for (const line of log.split('\n')) {
    if (!line.includes('"result":"woken"')) continue;
    const j = JSON.parse(line);
    if (!woke.has(j.video)) woke.set(j.video, j.time);
  }
  const out: number[] = [];
  for (const e of evs)
    if (e.type === 'phase' && e.to === 'Downloading' && woke.has(e.name)) {
      out.push(Date.parse(e.at) - woke.get(e.name)!);
      woke.delete(e.name);
    }
  return out;
}

export const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
