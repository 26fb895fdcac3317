// The daemon (built CLI) with webhooks on, against the in-test simulator, which POSTs to each task's
// webhookURL when it ends. Waits poll the disk or the simulator (bounded), never sleep a fixed time.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startDaemon } from './daemon-process.js';
import { readState, until, type Workspace } from './harness.js';

export { until };

export function runDaemon(w: Workspace, extra: string[], env: Record<string, string> = {}) {
  const d = startDaemon(w, { args: ['--resync', '1h', '--log-format', 'json', ...extra], env, timeout: 120_000, forceKillAfterDelay: false });
  return { child: d.child, metricsAddr: d.address(30_000).then((a) => `http://${a}`), log: d.log };
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
