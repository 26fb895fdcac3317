// The CLI keeps its parse cache beside the state (issue 19 item 1), and a cached file never hides a
// problem: an edit that keeps the mtime is still seen by validate and plan.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reelctl } from './cli.js';
import { videoYaml } from './harness.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('parse cache (CLI)', () => {
  it('validate and plan fill .reelctl/parse-cache.json and still see an mtime-preserving edit', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'reelctl-e2e-cache-'));
    dirs.push(d);
    mkdirSync(path.join(d, 'manifests'));
    mkdirSync(path.join(d, '.reelctl'));
    const old = new Date(Date.now() - 3600_000);
    const put = (name: string, text: string) => {
      writeFileSync(path.join(d, 'manifests', name), text);
      utimesSync(path.join(d, 'manifests', name), old, old);
    };
    put('a.yaml', videoYaml('alpha'));
    put('b.yaml', videoYaml('beta'));
    expect((await reelctl(['validate'], { cwd: d })).exitCode).toBe(0);
    const cache = JSON.parse(readFileSync(path.join(d, '.reelctl', 'parse-cache.json'), 'utf8'));
    expect(
      Object.keys(cache.entries)
        .map((k) => path.basename(k))
        .sort(),
    ).toEqual(['a.yaml', 'b.yaml']);
    put('b.yaml', videoYaml('beta').replace('name: beta', 'name: Beta-1')); // same mtime, other size
    const v = await reelctl(['validate'], { cwd: d });
    expect(v.exitCode).toBe(1);
    expect(v.stderr).toMatch(/manifests[/\\]b\.yaml:\d+:\d+: metadata\.name/);
    const p = await reelctl(['plan', '--json'], { cwd: d, env: { REELCTL_PARSE_CACHE: 'off' } });
    expect(p.exitCode).toBe(1);
    put('b.yaml', videoYaml('beta'));
    const ok = await reelctl(['plan', '--json'], { cwd: d });
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).summary.create).toBe(2);
  });
});
