// `reelctl plan` loads only what a plan needs (issue 19: start-up is part of every plan's wall time): not
// node-postgres for a state file, not the provider, the simulator or the log library (pino), not ajv's
// compiler (the manifest validators are precompiled) and not the position-keeping YAML parser while
// every manifest is plain. A manifest with a problem still loads that parser, and its problem is located.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { BIN } from './cli.js';

const tmp = tempDirs();
const hooks = path.join(import.meta.dirname, 'fixtures', 'trace-modules.mjs');
const manifest = (name: string, extra = '') =>
  `apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: ${name}\nspec:\n  request:\n    model: klingai:kling-video@3-standard\n    positivePrompt: a calm lake at dawn\n${extra}`;

async function plan(dir: string): Promise<{ exitCode: number | undefined; stderr: string; loaded: string[] }> {
  const trace = path.join(dir, 'modules.txt');
  writeFileSync(trace, '');
  const r = await execa('node', ['--import', hooks, BIN, '--state', path.join(dir, 'state', 'state.json'), 'plan', path.join(dir, 'm')], {
    cwd: dir,
    reject: false,
    env: { NO_COLOR: '1', REELCTL_TRACE_MODULES: trace },
  });
  return { exitCode: r.exitCode, stderr: r.stderr, loaded: readFileSync(trace, 'utf8').trim().split('\n') };
}

const pkg = (loaded: string[], name: string) => loaded.some((u) => u.includes(`/node_modules/${name}/`));

describe('reelctl plan: what it loads', () => {
  it('plain manifests and a state file: no pg, pino, yaml, ajv compiler, provider or simulator', async () => {
    const dir = tmp('reelctl-imports-');
    const m = path.join(dir, 'm');
    mkdirSync(m);
    writeFileSync(path.join(m, 'a.yaml'), manifest('a'));
    const r = await plan(dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.loaded.some((u) => u.endsWith('/dist/src/cli/plan.js'))).toBe(true); // the trace works
    for (const name of ['pg', 'pino', 'yaml']) expect(pkg(r.loaded, name), name).toBe(false);
    expect(r.loaded.filter((u) => /\/node_modules\/ajv\/dist\/(2020|core|compile)/.test(u))).toEqual([]);
    // state/pg/url.js only tells a URL from a path (no node-postgres behind it).
    expect(r.loaded.filter((u) => /\/dist\/src\/(provider\/|state\/pg\/(?!url\.js$))/.test(u))).toEqual([]);
  });

  it('a manifest with a problem: the precise parser loads and locates it', async () => {
    const dir = tmp('reelctl-imports-');
    const m = path.join(dir, 'm');
    mkdirSync(m);
    writeFileSync(path.join(m, 'a.yaml'), manifest('a', '    width: 1280\n    width: 720\n'));
    const r = await plan(dir);
    expect(r.exitCode).toBe(1);
    expect(pkg(r.loaded, 'yaml')).toBe(true);
    expect(r.stderr).toMatch(/a\.yaml:10:5: duplicate key/);
  });
});
