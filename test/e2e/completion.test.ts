// Dynamic shell completion, run in a real bash: the script calls `reelctl __complete` for video names and
// flag values. Also: kubectl-style output flags on status and describe, and "did you mean" for names.
import { execa } from 'execa';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, reelctl } from './cli.js';
import { complete } from '../../src/cli/completion.js';
import { videoYaml, workspace, type Workspace } from './harness.js';

let bin: string;
beforeAll(() => {
  bin = mkdtempSync(path.join(tmpdir(), 'reelctl-bin-'));
  writeFileSync(path.join(bin, 'reelctl'), `#!/bin/sh\nexec node ${JSON.stringify(BIN)} "$@"\n`);
  chmodSync(path.join(bin, 'reelctl'), 0o755);
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));

async function bashComplete(cwd: string, words: string[]): Promise<string[]> {
  const arr = words.map((w) => `'${w}'`).join(' ');
  const script = `source <(reelctl completion bash); COMP_WORDS=(reelctl ${arr}); COMP_CWORD=${words.length}; _reelctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = await execa('bash', ['-c', script], { cwd, env: { PATH: `${bin}:${process.env.PATH}` } });
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('dynamic completion in bash', () => {
  it('video names after describe, values after --log-format / --supersede / --memory, shells after completion', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'reelctl-compl-'));
    mkdirSync(path.join(d, 'manifests'));
    writeFileSync(path.join(d, 'manifests', 'a.yaml'), videoYaml('alpha') + '---\n' + videoYaml('alpine'));
    try {
      expect(await bashComplete(d, ['describe', 'al'])).toEqual(['alpha', 'alpine']);
      expect(await bashComplete(d, ['--log-format', ''])).toEqual(['json', 'text']);
      expect(await bashComplete(d, ['apply', '--supersede', ''])).toEqual(['abandon', 'wait']);
      expect(await bashComplete(d, ['run', '--memory', ''])).toEqual(['fast', 'lean']);
      expect(await bashComplete(d, ['completion', ''])).toEqual(['bash', 'fish', 'zsh']);
      expect(await bashComplete(d, ['status', '-o', ''])).toEqual(['json', 'wide', 'yaml']);
      expect(await bashComplete(d, ['pl'])).toEqual(['plan']); // static: commands
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('complete(): names from the state given by --state too; nothing dynamic after a plain flag', async () => {
    const seen: string[] = [];
    const src = { videoNames: async (s: string) => (seen.push(s), ['x']) };
    expect(await complete(['--state', 'st.json', 'describe'], src)).toEqual(['x']);
    expect(seen).toEqual(['st.json']);
    expect(await complete(['describe', 'x'], src)).toEqual([]);
    expect(await complete(['apply', '--simulate'], src)).toEqual([]);
  });
});

describe('kubectl habits', () => {
  let w: Workspace;
  afterEach(async () => w?.close());

  it('status -o json|yaml|wide (and --json), describe -o json with events, a did-you-mean for names', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha'));
    expect((await w.apply()).exitCode).toBe(0);
    const st = (o: string[]) => reelctl(['status', '--state', w.state, ...o], { cwd: w.dir });
    const json = JSON.parse((await st(['-o', 'json'])).stdout);
    expect(json).toEqual(JSON.parse((await st(['--json'])).stdout));
    expect(json.videos[0]).toMatchObject({ name: 'alpha', phase: 'Ready' });
    expect(parseYaml((await st(['-o', 'yaml'])).stdout)).toEqual(json);
    const wide = (await st(['-o', 'wide'])).stdout.split('\n');
    expect(wide[0]).toMatch(/^NAME\s+PHASE\s+AGE\s+COST\s+SPEC\s+TASK\s+FILES\s+LABELS\s+OUTPUTS\s+MESSAGE$/);
    expect(wide[1]).toMatch(/^alpha\s+Ready\s+\S+\s+\$0\.25\s+sha256:\S+\s+[0-9a-f-]{36}\s+1\s+team=e2e\s+alpha\.mp4/);
    const bad = await st(['-o', 'xml']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/-o must be one of json, yaml, wide/);

    const desc = (o: string[]) => reelctl(['describe', ...o, w.manifests, '--state', w.state, '--out', w.out], { cwd: w.dir });
    const text = (await desc(['alpha'])).stdout;
    expect(text).toMatch(/Events:\n[\s\S]*\n\s+\S+Z\s+submitted\s+task [0-9a-f-]{36}, estimated \$0\.25/);
    expect(text).toMatch(/\S+Z\s+ready\s+alpha\.mp4 \(\$0\.25\)/);
    expect(text).not.toMatch(/Events:[\s\S]*\{"type"/);
    expect(text).toMatch(/\S+Z\s+phase\s+Pending: submitting\n/);
    expect(text).not.toMatch(/(\w+) → \1\b/);
    const dj = JSON.parse((await desc(['alpha', '-o', 'json'])).stdout);
    expect(dj).toMatchObject({
      name: 'alpha',
      manifest: { labels: { team: 'e2e' } },
      state: { phase: 'Ready' },
      sidecar: { content: { kind: 'VideoProvenance' } },
    });
    expect(dj.events.map((e: { type: string }) => e.type)).toContain('ready');
    const typo = await desc(['alpah']);
    expect(typo.exitCode).toBe(1);
    expect(typo.stderr).toMatch(/no video named "alpah" in the manifests or the state \(did you mean `alpha`\?\)/);
  });
});
