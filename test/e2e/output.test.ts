// Quiet, honest output: no self-transitions or doubled lines in logs, --log-format json makes every stderr
// line JSON (the plan and the summary too, errors as well), money rounded, --version loads no command.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildProgram, commandWord } from '../../src/cli/program.js';
import { logFormatOf } from '../../src/cli/report-error.js';
import { reelctl, ROOT } from './cli.js';
import { videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

describe('apply output', () => {
  it('text: no "Pending → Pending", no line said twice, money rounded', async () => {
    w = await workspace();
    w.write('a.yaml', ['alpha', 'beta', 'gamma'].map((n) => videoYaml(n)).join('---\n'));
    const r = await w.apply();
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/(\w+) → \1\b/);
    const logLines = r.stderr
      .split('\n')
      .filter((l) => /^\d{4}-/.test(l))
      .map((l) => l.replace(/^\S+ /, ''));
    expect(logLines.length).toBeGreaterThan(0);
    expect(new Set(logLines).size).toBe(logLines.length);
    for (const n of ['alpha', 'beta', 'gamma']) {
      expect(logLines.filter((l) => l.includes(`${n}: submitted`))).toHaveLength(1);
      expect(logLines.filter((l) => l.includes(`${n}: ready`))).toHaveLength(1);
      expect(logLines.some((l) => new RegExp(`${n}: \\w+ → (Submitted|Ready)`).test(l))).toBe(false);
    }
    expect(r.stderr).not.toMatch(/\d\.\d{6,}/);
    expect(r.stderr).toMatch(/Apply complete: 3 ready, 0 failed, 0 suspended, 3 submitted, \$0\.76 spent\./);
  });

  it('--log-format json: every stderr line is JSON, the plan and the summary included', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    const r = await w.apply(['--log-format', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines[0]).toMatchObject({ msg: expect.stringMatching(/^plan: 1 to create/), plan: { version: 1, summary: { create: 1 } } });
    expect(lines.at(-1)).toMatchObject({ msg: expect.stringMatching(/^Apply complete: 1 ready/), ready: 1, spentUsd: 0.252 });
    const bad = await reelctl(['--log-format', 'json', 'validate', 'test/fixtures/invalid/150-output-format-webm-into-mp4.yaml']);
    expect(bad.exitCode).toBe(1);
    const errs = bad.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    expect(errs[0]).toMatchObject({ level: 50, code: 'output.format-mismatch', line: 14, col: 11 });
  });
});

describe('start-up', () => {
  it('--version registers no command module, and a command only its own', async () => {
    expect((await buildProgram(['node', 'reelctl', '--version'])).commands).toHaveLength(0);
    expect((await buildProgram(['node', 'reelctl', '--state', 'plan', 'status', '--json'])).commands.map((c) => c.name())).toEqual(['status']);
    expect((await buildProgram(['node', 'reelctl', 'plna'])).commands.length).toBeGreaterThan(10); // a typo gets suggestions
    expect(commandWord(['-l', 'a=b', '--log-format', 'json', 'apply'])).toBe('apply');
    expect(logFormatOf(['node', 'x', '--log-format=json'])).toBe('json');
  });

  it('the entry point and the program import nothing heavy at start-up (ajv, pino, yaml come with a command)', () => {
    for (const f of ['dist/cmd/reelctl.js', 'dist/src/cli/program.js']) {
      const statics = [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
      expect(statics.length).toBeGreaterThan(0);
      expect(
        statics.every((s) =>
          [
            'commander',
            'node:fs',
            'node:v8',
            '../paths.js',
            '../src/cli/program.js',
            '../src/text/secrets.js',
            '../src/failpoints.js',
            './package-version.js',
          ].includes(s!),
        ),
        `${f}: ${statics.join(', ')}`,
      ).toBe(true);
    }
  });

  it('reelctl version and version -o json', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    expect((await reelctl(['version'])).stdout).toMatch(new RegExp(`^reelctl ${pkg.replace(/\./g, '\\.')} \\(node v\\d+`));
    expect(JSON.parse((await reelctl(['version', '-o', 'json'])).stdout)).toMatchObject({ version: pkg, node: process.version });
  });
});
