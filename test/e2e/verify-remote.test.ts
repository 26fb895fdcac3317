// `reelctl plan --verify-remote` as a user runs it: against the simulator (quotes, nothing spent, no
// state written), against a server that refuses one request of a batch, and with a wrong key.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CANARY_KEY, videoYaml, workspace, type Workspace } from './harness.js';
import { reelctl } from './cli.js';

let w: Workspace;
afterEach(async () => w?.close());

const plan = (w: Workspace, args: string[], env: Record<string, string> = {}) =>
  reelctl(['plan', w.manifests, '--state', w.state, '--out', w.out, '--verify-remote', ...args], {
    cwd: w.dir,
    env: { RUNWARE_API_URL: w.sim.url, RUNWARE_API_KEY: CANARY_KEY, ...env },
  });

describe('plan --verify-remote', () => {
  it('the API validates and quotes every planned render; nothing is spent and no state is written', async () => {
    w = await workspace();
    w.write('a.yaml', [videoYaml('alpha'), videoYaml('beta', undefined, '    numberResults: 2\n')].join('---\n'));
    const r = await plan(w, ['--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe(1); // the contract's plan, with `remote` beside it
    expect(out.remote).toMatchObject({ checked: 2, refused: 0, unverified: 0 });
    expect(out.remote.quotedCostUsd).toBeCloseTo(out.summary.estimatedCostUsd, 6);
    expect(out.remote.videos.map((v: { name: string }) => v.name)).toEqual(['alpha', 'beta']);
    expect(w.sim.stats()).toMatchObject({ dryRuns: 2, accepted: 0 });
    expect(existsSync(w.state)).toBe(false);
    // once rendered, there is nothing left to verify
    expect((await w.apply()).exitCode).toBe(0);
    const after = await plan(w, []);
    expect(after.exitCode, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/nothing to check: no render is planned/);
  });

  it('a request the API refuses is shown with its code and parameter, and the command exits 1', async () => {
    w = await workspace();
    w.write('a.yaml', [videoYaml('alpha'), videoYaml('beta')].join('---\n'));
    const bodies: unknown[] = [];
    // A Runware-shaped server that accepts the first task and refuses the second in the same answer.
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const tasks = JSON.parse(body) as { taskUUID: string; taskType: string }[];
        if (tasks[0]!.taskType === 'getResponse') {
          // the proof that the dry run started nothing: the API knows none of these tasks
          res.writeHead(400, { 'content-type': 'application/json' });
          return void res.end(
            JSON.stringify({ errors: tasks.map((t) => ({ code: 'taskNotFound', message: 'no such task', taskUUID: t.taskUUID, taskType: 'getResponse' })) }),
          );
        }
        bodies.push({ dryRun: req.headers['x-runware-dry-run'], tasks });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            data: [{ taskType: 'videoInference', taskUUID: tasks[0]!.taskUUID, cost: 0.42 }],
            errors: [
              {
                code: 'invalidPositivePrompt',
                message: 'The prompt was flagged by moderation',
                parameter: 'positivePrompt',
                taskType: 'videoInference',
                taskUUID: tasks[1]!.taskUUID,
              },
            ],
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const r = await plan(w, [], { RUNWARE_API_URL: url });
      expect(r.exitCode).toBe(1);
      expect(r.stdout).toMatch(/✓ alpha\s+quoted \$0\.42/);
      expect(r.stdout).toMatch(/✗ beta\s+refused: invalidPositivePrompt \(positivePrompt\): .*flagged by moderation/);
      expect(r.stderr).toMatch(/the API refused 1 of 2 planned render\(s\)/);
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toMatchObject({ dryRun: '1' });
    } finally {
      server.close();
    }
  });

  it('a wrong key: one request, a clear message, exit 1, and the key is never printed', async () => {
    w = await workspace();
    w.write('a.yaml', [videoYaml('alpha'), videoYaml('beta')].join('---\n'));
    const r = await plan(w, [], { RUNWARE_API_KEY: 'rw-wrong-key-0123456789' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/✗ alpha\s+refused: .*401/i);
    expect(w.sim.stats().requests).toBe(1);
    expect(r.stdout + r.stderr).not.toContain('rw-wrong-key-0123456789');
  });

  it('--simulate asks the built-in simulator; without a key and without --simulate it says what to set', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const sim = await reelctl(['plan', w.manifests, '--state', w.state, '--verify-remote', '--simulate'], {
      cwd: w.dir,
      extendEnv: false,
      env: { PATH: process.env.PATH! },
    });
    expect(sim.exitCode, sim.stderr).toBe(0);
    expect(sim.stdout).toMatch(/✓ alpha\s+quoted \$/);
    const nokey = await reelctl(['plan', w.manifests, '--state', w.state, '--verify-remote'], {
      cwd: w.dir,
      extendEnv: false,
      env: { PATH: process.env.PATH! },
    });
    expect(nokey.exitCode).toBe(1);
    expect(nokey.stderr).toMatch(/--verify-remote needs the Runware API key: set RUNWARE_API_KEY or RUNWARE_API_KEY_FILE/);
  });

  it('dry-run-ignored: the renders a "dry run" started are reported (count and cost, exit 1), recorded, and the next apply adopts them instead of paying again', async () => {
    w = await workspace({ variants: ['dry-run-ignored'] });
    w.write('a.yaml', [videoYaml('alpha'), videoYaml('beta'), videoYaml('gamma'), videoYaml('delta')].join('---\n'));
    const r = await plan(w, []);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /the dry run was not dry: Runware started 4 render\(s\) \(alpha, beta, delta, gamma\), about \$1\.01\. They are recorded in the state as accepted renders/,
    );
    expect(r.stdout).toMatch(/ignored the dry-run header: 4 render\(s\) started for real/);
    expect(w.sim.stats().accepted).toBe(4);
    const status = JSON.parse((await reelctl(['status', '--json', '--state', w.state], { cwd: w.dir })).stdout);
    expect(status.videos.map((v: { phase: string }) => v.phase)).toEqual(['Submitted', 'Submitted', 'Submitted', 'Submitted']);
    const applied = await w.apply();
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(w.sim.stats().accepted).toBe(4); // adopted: not one render paid twice
    expect(applied.stderr).toMatch(/Apply complete: 4 ready, 0 failed/);
  });
});
