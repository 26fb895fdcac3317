// Issue 17 item 3: `validate` refuses output paths that would destroy another video's output, collide with
// a file reelctl writes beside every output, can never be written, or hide control characters — located at
// the output.path node, before anything is paid for.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load.js';
import { reelctl } from '../e2e/cli.js';
import { SIZE, videoDoc } from './video-doc.js';

const doc = (name: string, outPath?: string, extra = '') =>
  videoDoc(name, { request: SIZE + extra, spec: outPath === undefined ? '' : `  output:\n    path: ${JSON.stringify(outPath)}\n` });

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function load(files: Record<string, string>) {
  dir = mkdtempSync(path.join(tmpdir(), 'reelctl-outpath-'));
  for (const [n, t] of Object.entries(files)) writeFileSync(path.join(dir, n), t);
  return loadManifests([dir], { cwd: dir, parallel: false });
}

const long = (n: number) => 'a'.repeat(n);

describe('output.path rules, one video', () => {
  it.each([
    ['a sidecar name (.json)', 'clip.mp4.json', 'path.reserved'],
    ['a sidecar name, other case', 'clip.mp4.JSON', 'path.reserved'],
    ['a partial-download name (.part)', 'x.mp4.part', 'path.reserved'],
    ['a sidecar temp name', 'clip.mp4.json.tmp-42', 'path.reserved'],
    ['the archive directory', '.archive/x/y.mp4', 'path.reserved'],
    ['a 300-byte file name', `${long(296)}.mp4`, 'path.too-long'],
    ['a name that fits 255 only without what reelctl appends', `${long(246)}.mp4`, 'path.too-long'],
    ['a 300-byte directory name', `${long(300)}/x.mp4`, 'path.too-long'],
    ['a path over 4,096 bytes', `${Array.from({ length: 20 }, () => long(210)).join('/')}/x.mp4`, 'path.too-long'],
    ['an ESC (terminal control)', 'clip\u001b[2J.mp4', 'path.control-char'],
    ['a C1 control character', 'clip\u009b.mp4', 'path.control-char'],
    ['a newline', 'a\nb.mp4', 'path.control-char'],
    ['a NUL', 'a\u0000b.mp4', 'path.escape'],
    ['an absolute path', '/etc/x.mp4', 'path.escape'],
    ['a .. escape', '../x.mp4', 'path.escape'],
    ['a .. escape in the middle', 'a/../../x.mp4', 'path.escape'],
  ])('refuses %s, located at output.path', async (_n, p, code) => {
    const r = await load({ 'v.yaml': doc('one', p) });
    expect(r.problems.map((x) => [x.code, x.file, x.line, x.col])).toEqual([[code, 'v.yaml', 12, 11]]);
    expect(r.problems[0]!.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/); // shown escaped, never raw
    expect(r.videos).toEqual([]);
  });

  it('accepts ordinary paths, including the longest name that fits', async () => {
    const r = await load({
      'v.yaml': doc('one', 'alley/rainy.mp4') + '---\n' + doc('two', `${long(234)}.mp4`) + '---\n' + doc('three', 'a..b/ünïcode clip.mp4'),
    });
    expect(r.problems).toEqual([]);
    expect(r.videos).toHaveLength(3);
  });

  it('the schema says the per-path rules too (for editors)', () => {
    const schema = JSON.parse(readFileSync('schemas/video.schema.json', 'utf8'));
    const ajv = new Ajv2020({ strict: false });
    const check = ajv.compile(schema.properties.spec.properties.output.properties.path);
    for (const bad of [
      'clip.mp4.json',
      'x.part',
      'x.json.tmp-1',
      '.archive/x.mp4',
      '/abs.mp4',
      '../x.mp4',
      'a/../../x.mp4',
      'a\u001bb.mp4',
      'a\u0000.mp4',
      'dir/',
      'x'.repeat(4080),
    ])
      expect(check(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['clip.mp4', 'alley/rainy.mp4', 'a..b.mp4']) expect(check(good), good).toBe(true);
  });
});

describe('output.path rules, across videos', () => {
  it('two videos with the same output path: the second is refused, naming the first', async () => {
    const r = await load({ 'a.yaml': doc('one', 'clip.mp4'), 'b.yaml': doc('two', 'clip.mp4') });
    expect(r.problems.map((x) => `${x.file}:${x.line}:${x.col} ${x.code}`)).toEqual(['b.yaml:12:11 path.collision']);
    expect(r.problems[0]!.message).toMatch(/"clip\.mp4" is already the output of video "one" \(a\.yaml:12:11\)/);
  });

  it('after case folding', async () => {
    const r = await load({ 'a.yaml': doc('one', 'Clip.MP4'), 'b.yaml': doc('two', 'clip.mp4') });
    expect(r.problems.map((x) => x.code)).toEqual(['path.collision']);
    expect(r.problems[0]!.message).toMatch(/differs only in letter case/);
  });

  it('counting the -1..-N files of numberResults', async () => {
    const r = await load({ 'a.yaml': doc('one', 'x.mp4', '    numberResults: 2\n'), 'b.yaml': doc('two', 'x-2.mp4') });
    expect(r.problems.map((x) => `${x.file} ${x.code}`)).toEqual(['b.yaml path.collision']);
  });

  it('a default output path (<name>.mp4) taken by another video', async () => {
    const r = await load({ 'a.yaml': doc('one'), 'b.yaml': doc('two', 'one.mp4') });
    expect(r.problems.map((x) => `${x.file}:${x.line} ${x.code}`)).toEqual(['b.yaml:12 path.collision']);
  });

  it("a video's file where another needs a directory", async () => {
    const r = await load({ 'a.yaml': doc('one', 'shots.mp4'), 'b.yaml': doc('two', 'shots.mp4/close.mp4') });
    expect(r.problems.map((x) => `${x.file} ${x.code}`)).toEqual(['b.yaml path.collision']);
  });

  it('the CLI: validate exits 1 naming FILE:LINE:COL', async () => {
    await load({ 'a.yaml': doc('one', 'clip.mp4'), 'b.yaml': doc('two', 'clip.mp4') });
    const res = await reelctl(['validate', dir!], { cwd: dir! });
    expect(res.exitCode).toBe(1);
    expect(res.stdout + res.stderr).toMatch(/b\.yaml:12:11.*clip\.mp4/);
  });
});
