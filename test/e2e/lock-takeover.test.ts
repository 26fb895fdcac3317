// Issue 17 item 1: two `apply` started together after a crash (the dead process's lock still on disk: a CI
// retry, a cron overlap) pay once — the stale lock is taken over by one of them only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertInvariants, videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

describe('a stale lock and two applies at once', () => {
  it.each([1, 2, 3])('pay once (round %i)', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    mkdirSync(path.dirname(w.state), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!; // what kill -9 leaves: a lock naming a gone pid
    writeFileSync(`${w.state}.lock`, JSON.stringify({ pid: dead, host: hostname(), since: new Date().toISOString(), command: 'apply' }) + '\n');
    const [a, b] = await Promise.all([w.apply(), w.apply()]);
    const codes = [a.exitCode, b.exitCode];
    expect(codes, a.stderr + b.stderr).toContain(0);
    // The other one either found it locked (exit 1, naming the live holder) or ran after the first finished.
    for (const r of [a, b]) if (r.exitCode !== 0) expect(r.stderr).toMatch(/state is locked by pid \d+/);
    expect(w.sim.stats().accepted).toBe(1);
    assertInvariants(w, { expectReady: 1 });
  });
});
