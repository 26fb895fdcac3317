// SIGTERM with thousands of videos (issue 19 item 4): during the start-up load of 2,000 manifests and in
// the middle of submitting them, the daemon exits 0 well within its 9 s deadline and leaves the state at
// rest: no lock, no journal, no temp file beside it (the journal folded into one state file).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateManifests } from '../../bench/gen/manifests.js';
import { startDaemon, type Daemon } from './daemon-process.js';
import { until, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

/** 50 at a time, JSON logs, the journal from the first video. */
const start = (w: Workspace) =>
  startDaemon(w, {
    args: ['--resync', '1h', '--log-format', 'json', '--concurrency', '50'],
    env: { REELCTL_STATE_JOURNAL_MIN_VIDEOS: '0' },
    timeout: 120_000,
    forceKillAfterDelay: false,
  });

/** What is left beside the state file: never a lock, a journal or a temp file. */
function leftovers(w: Workspace): string[] {
  return readdirSync(path.dirname(w.state)).filter((f) => /\.lock$|\.journal$|\.tmp$|^\..*\.tmp/.test(f));
}

async function sigterm(d: Daemon): Promise<{ exitCode?: number }> {
  d.child.kill('SIGTERM');
  const r = await d.child;
  return { exitCode: r.exitCode };
}

describe('reelctl run: SIGTERM with 2,000 videos', () => {
  it('during the start-up load, then while submitting: exit 0 before the deadline, the state at rest', async () => {
    w = await workspace({ latency: { minMs: 300, maxMs: 600 } });
    await generateManifests(w.manifests, { count: 2000, seed: 3 });
    const first = start(w);
    await until('the start-up load', () => first.log().includes('"loading manifests"'), 30_000, 5);
    const a = await sigterm(first);
    expect(a.exitCode, first.log().slice(-2000)).toBe(0);
    expect(first.log()).not.toContain('exiting anyway'); // the graceful path, not the 9 s deadline's forced exit
    expect(leftovers(w)).toEqual([]);

    const second = start(w);
    await until('renders submitted', () => w.sim.stats().accepted >= 100, 60_000, 20);
    const b = await sigterm(second);
    expect(b.exitCode, second.log().slice(-2000)).toBe(0);
    expect(second.log()).not.toContain('exiting anyway');
    expect(leftovers(w)).toEqual([]);
    expect(readdirSync(path.dirname(w.state))).toContain('state.json');
  }, 180_000);
});
