import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { reelctl } from './cli.js';

const tmp = tempDirs();

describe('reelctl plan / status (CLI)', () => {
  it('--detailed-exitcode exits 2 with changes pending and prints the contract JSON', async () => {
    const d = tmp('reelctl-e2e-');
    const r = await reelctl(['plan', '--json', '--detailed-exitcode', '--state', path.join(d, 'state.json')]);
    expect(r.exitCode).toBe(2);
    const plan = JSON.parse(r.stdout);
    expect(plan.version).toBe(1);
    expect(plan.changes.every((c: { action: string }) => c.action === 'create')).toBe(true);
  });

  it('--detailed-exitcode exits 0 when there is nothing to do', async () => {
    const d = tmp('reelctl-e2e-');
    mkdirSync(path.join(d, 'm'));
    writeFileSync(
      path.join(d, 'm', 'v.yaml'),
      'apiVersion: reelctl/v1\nkind: Video\nmetadata: {name: v}\nspec:\n  suspend: true\n  request: {model: "klingai:kling-video@3-standard", positivePrompt: hello there, width: 960, height: 960}\n',
    );
    const r = await reelctl(['plan', 'm', '--detailed-exitcode'], { cwd: d });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('No changes.');
  });

  it('refuses a corrupt state file with a clear message and exit 1', async () => {
    const d = tmp('reelctl-e2e-');
    writeFileSync(path.join(d, 'state.json'), '{oops');
    const r = await reelctl(['plan', '--state', path.join(d, 'state.json')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/state file .* is unusable: not valid JSON.*left untouched/);
  });

  it('status --json on no state is an empty list', async () => {
    const d = tmp('reelctl-e2e-');
    const r = await reelctl(['status', '--json', '--state', path.join(d, 'none.json')]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ version: 1, videos: [] });
  });
});
