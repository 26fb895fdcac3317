// `reelctl run` as a user sees it before any runtime exists: help and flag validation.
// (The full `reelctl run` e2e against the simulator lives with the integration tests.)
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from './build.js';

const exec = promisify(execFile);
async function reelctl(...args: string[]) {
  try {
    const r = await exec(process.execPath, [path.join(root, 'dist/cmd/reelctl.js'), ...args], { cwd: root, timeout: 15_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('reelctl run (CLI surface)', () => {
  beforeAll(() => ensureBuilt(), 120_000);

  it('--help lists every flag and shows examples', async () => {
    const r = await reelctl('run', '--help');
    expect(r.code).toBe(0);
    for (const s of [
      '--simulate',
      '--memory <profile>',
      '--listen <host:port>',
      '--resync <duration>',
      '--concurrency <n>',
      '--max-cost <usd>',
      'Examples:',
      'reelctl run --simulate',
      '127.0.0.1:9464',
    ])
      expect(r.stdout).toContain(s);
  });

  it.each([
    [['--listen', 'nope'], /invalid --listen "nope"/],
    [['--resync', '5'], /invalid duration "5"/],
    [['--resync', '10ms'], /--resync must be at least 1s/],
    [['--concurrency', '0'], /--concurrency must be a positive integer/],
    [['--max-cost', 'lots'], /--max-cost must be a non-negative number/],
    [['--memory', 'huge'], /--memory must be lean or fast, got "huge"/],
  ])('rejects bad flags %j with one line and exit 1, before touching state', async (flags, msg) => {
    const r = await reelctl('run', ...flags);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('--memory profiles', () => {
  it('lean parses manifests on one thread, fast on two', async () => {
    const { applyMemoryProfile } = await import('../../src/cli/run.js');
    expect(applyMemoryProfile('fast')).toEqual({ parallelLoad: true });
    expect(applyMemoryProfile('lean')).toEqual({ parallelLoad: false });
    expect(() => applyMemoryProfile('tiny')).toThrow(/lean or fast/);
  });
});
