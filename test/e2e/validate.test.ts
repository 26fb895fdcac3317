import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { reelctl } from './cli.js';

const tmp = tempDirs();

describe('reelctl validate (CLI)', () => {
  it('exits 0 on the example manifests', async () => {
    const r = await reelctl(['validate']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/valid \(\d+ video/);
  });

  it('exits 1 and prints every problem as FILE:LINE:COL without a stack trace', async () => {
    const d = tmp('reelctl-e2e-');
    writeFileSync(
      path.join(d, 'a.yaml'),
      'apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: Bad\nspec:\n  request:\n    model: klingai:kling-video@3-standard\n    positivePrompt: hi there\n    width: 1920\n    taskUUID: x\n',
    );
    const r = await reelctl(['validate', d], { cwd: d });
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      'a.yaml:4:9: metadata.name: must be a DNS-1123 label (lowercase a-z, 0-9 and -, starting and ending alphanumeric, at most 63)',
      'a.yaml:9:12: spec.request.width: add height too (width and height go together)',
      'a.yaml:10:5: spec.request: reelctl sets taskUUID itself; remove it from spec.request',
    ]);
    expect(r.stderr).not.toMatch(/\s+at .+:\d+:\d+\)?$/m);
  });

  it("accepts the seed's elements examples and other requests not known to be wrong (no size, only reference images)", async () => {
    const r = await reelctl(['validate', 'test/fixtures/valid']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/valid \(6 video/);
  });

  it('helps: a typo gets the nearest field, a wrong type what it got, a custom tag and a format clash are located', async () => {
    const d = tmp('reelctl-e2e-');
    writeFileSync(
      path.join(d, 'a.yaml'),
      'apiVersion: reelctl/v1\nkind: Video\nmetadata: {name: a}\nspec:\n  request:\n    model: klingai:kling-video@3-standard\n    positvePrompt: hi there\n    width: 1280\n    height: "720"\n    outputFormat: WEBM\n  output: {path: clip.mp4}\n---\napiVersion: reelctl/v1\nkind: Video\nmetadata: {name: !Ref b}\n',
    );
    const r = await reelctl(['validate', d], { cwd: d });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('a.yaml:7:5: spec.request.positvePrompt: unknown field "positvePrompt" (did you mean `positivePrompt`?)');
    expect(r.stderr).toContain('a.yaml:9:13: spec.request.height: must be integer, got string "720"');
    expect(r.stderr).toContain('a.yaml:11:18: spec.output.path: "clip.mp4" ends in .mp4 but spec.request.outputFormat is WEBM');
    expect(r.stderr).toContain('a.yaml:15:18: YAML: unknown tag !Ref');
  });

  it('--json reports problems for scripts', async () => {
    const r = await reelctl(['validate', '--json', 'test/fixtures/invalid/011-name-uppercase.yaml']);
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: 1, valid: false, problems: [{ code: 'schema.name', line: 5, col: 9 }] });
  });

  it('schema prints the JSON Schema', async () => {
    const r = await reelctl(['schema']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).$id).toMatch(/video\.schema\.json$/);
  });
});
