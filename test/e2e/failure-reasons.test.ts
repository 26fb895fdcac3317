// A failed render as a user sees it: Runware's code and message (nested under `error`, the documented
// shape) in the apply summary, `status`, `status --json` and `describe` — never "[object Object]".
import { afterEach, describe, expect, it } from 'vitest';
import { CANARY_KEY, videoYaml, workspace, type Workspace } from './harness.js';
import { reelctl } from './cli.js';

let w: Workspace;
afterEach(async () => w?.close());

describe('failure reasons reach the user', () => {
  it('nested-errors: code and message in apply, status, status --json and describe', async () => {
    w = await workspace({ variants: ['nested-errors'], faults: { generationFailureRate: 1 } });
    w.write('a.yaml', videoYaml('alpha'));
    const applied = await w.apply();
    expect(applied.exitCode).toBe(1);
    expect(applied.stderr).toMatch(/generationFailed: the model could not generate this video/);
    expect(applied.stderr).toMatch(/Apply complete: 0 ready, 1 failed/);
    const args = ['--state', w.state, '--out', w.out];
    const env = { RUNWARE_API_KEY: CANARY_KEY };
    const json = JSON.parse((await reelctl(['status', '--json', ...args], { cwd: w.dir, env })).stdout);
    expect(json.videos[0]).toMatchObject({
      name: 'alpha',
      phase: 'Failed',
      message: 'render failed: generationFailed: the model could not generate this video (simulated failure)',
    });
    const table = (await reelctl(['status', ...args], { cwd: w.dir, env })).stdout;
    expect(table).toMatch(/alpha\s+Failed.*render failed: generationFailed/);
    const described = (await reelctl(['describe', 'alpha', w.manifests, ...args], { cwd: w.dir, env })).stdout;
    expect(described).toMatch(/failed\s+sent 1×.*generationFailed: the model could not generate this video \(simulated failure\)/);
    for (const out of [applied.stderr, applied.stdout, table, described]) expect(out).not.toContain('[object Object]');
  });
});
