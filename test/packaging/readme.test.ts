import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

const readme = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

describe('README', () => {
  it('opens with a quick start of exactly two commands: the demo and the tests', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(readme)![1]!.trim().split('\n');
    expect(block).toHaveLength(2);
    expect(block[0]).toMatch(/^npm ci && npm run demo\b/);
    expect(block[1]).toMatch(/^npm test\b/);
  });
  it('has each section once, and one performance block', () => {
    const headings = readme.split('\n').filter((l) => l.startsWith('## '));
    expect(new Set(headings).size).toBe(headings.length);
    for (const h of ['## Concepts', '## Commands', '## GitOps guide', '## Container guide', '## Troubleshooting', '## Performance'])
      expect(headings).toContain(h);
    expect(readme.match(/<!-- perf:start -->/g)).toHaveLength(1);
  });

  it('the command table lists every command', async () => {
    const table = readme.slice(readme.indexOf('## Commands'), readme.indexOf('### Exit codes'));
    const names = (await buildProgram(['node', 'reelctl', '--help'])).commands.map((c) => c.name()).filter((n) => !n.startsWith('__'));
    expect(names.length).toBeGreaterThan(10);
    for (const n of names) expect(table, n).toContain(`| \`reelctl ${n}`);
  });
});
