// Confirm before paying. A real pseudo-terminal comes from util-linux `script -qfec CMD /dev/null`: the CLI's
// stdin and stderr are a TTY, and what we write to script's stdin is typed into it.
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { askApproval, shouldAsk } from '../../src/cli/confirm.js';
import { BIN } from './cli.js';
import { CANARY_KEY, videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

/** util-linux script(1) makes the pseudo-terminal; without it (macOS has a BSD script) these tests skip. */
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') ?? false;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** apply on a terminal, with `typed` as the person's keystrokes. */
function applyOnTerminal(typed: string, extra: string[] = []) {
  const cmd = ['node', BIN, 'apply', w.manifests, '--state', w.state, '--out', w.out, ...extra].map(quote).join(' ');
  return execa('script', ['-qfec', cmd, '/dev/null'], {
    reject: false,
    cwd: w.dir,
    input: typed,
    timeout: 60_000,
    env: { NO_COLOR: '1', RUNWARE_API_URL: w.sim.url, RUNWARE_API_KEY: CANARY_KEY, REELCTL_POLL_MS: '150', REELCTL_SIM_LATENCY_MS: '100' },
  });
}

describe.skipIf(!hasScript)('apply asks before paying (pseudo-terminal via script(1))', () => {
  it('shows the plan with its cost and asks; anything but yes submits nothing and exits 1', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const r = await applyOnTerminal('y\n');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/Plan: 1 to create.*Estimated cost: \$0\.25/);
    expect(r.stdout).toMatch(/at an estimated \$0\.25\.\r?\n.*Only 'yes' will be accepted/);
    expect(r.stdout).toContain('Enter a value:');
    expect(r.stdout).toContain('Apply cancelled: nothing was submitted.');
    expect(w.sim.stats().requests).toBe(0);
  });

  it('yes → applies', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const r = await applyOnTerminal('yes\n');
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/Apply complete: 1 ready/);
    expect(w.sim.stats().accepted).toBe(1);
  });

  it('--auto-approve and --simulate never ask; nothing to do → no question', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const auto = await applyOnTerminal('', ['--auto-approve']);
    expect(auto.exitCode, auto.stdout).toBe(0);
    expect(auto.stdout).not.toContain('Enter a value:');
    const again = await applyOnTerminal('');
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.stdout).toMatch(/No changes\./);
    expect(again.stdout).not.toContain('Enter a value:');
    w.write('a.yaml', videoYaml('beta'));
    const sim = await applyOnTerminal('', ['--simulate', '--state', `${w.dir}/sim-state.json`]);
    expect(sim.exitCode, sim.stdout).toBe(0);
    expect(sim.stdout).not.toContain('Enter a value:');
  });

  it('without a terminal (a pipe, as in CI) apply proceeds without asking', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const r = await w.apply();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('Enter a value:');
  });
});

describe('confirm (in process)', () => {
  it('asks only on a terminal, without --auto-approve or --simulate', () => {
    expect(shouldAsk({ input: { isTTY: true } })).toBe(true);
    expect(shouldAsk({ input: { isTTY: false } })).toBe(false);
    expect(shouldAsk({ input: { isTTY: true }, autoApprove: true })).toBe(false);
    expect(shouldAsk({ input: { isTTY: true }, simulate: true })).toBe(false);
  });

  it.each([
    ['yes\n', true],
    ['  yes \n', true],
    ['YES\n', false],
    ['y\n', false],
    ['', false],
  ])('answer %j → %s', async (typed, want) => {
    const input = new PassThrough();
    const output = new PassThrough();
    const answer = askApproval({ input, output }, 'costs $1.00');
    input.end(typed);
    expect(await answer).toBe(want);
    expect(String(output.read())).toContain('Enter a value: ');
  });
});
