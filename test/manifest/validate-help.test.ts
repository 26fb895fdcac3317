// validate helps: typos get the nearest known field, wrong types say what they got, YAML warnings are
// errors, and outputFormat must agree with the extension of output.path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load.js';
import { checkOutputFormat } from '../../src/manifest/output-format.js';
import { videoSchema } from '../../src/manifest/schema-check.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describeValue, nearest } from '../../src/manifest/suggest.js';

const dir = mkdtempSync(path.join(tmpdir(), 'reelctl-help-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function problems(request: string, extra = ''): Promise<string[]> {
  const file = path.join(dir, 'v.yaml');
  writeFileSync(
    file,
    `apiVersion: reelctl/v1\nkind: Video\nmetadata: {name: v}\nspec:\n  request:\n    model: klingai:kling-video@3-standard\n    width: 1280\n    height: 720\n${request}${extra}`,
  );
  return (await loadManifests([file], { cwd: dir })).problems.map((p) => `${p.line}:${p.col} ${p.message}`);
}

describe('validate helps', () => {
  it('an unknown field suggests the nearest known one', async () => {
    expect(await problems('    positvePrompt: a calm lake\n')).toContain(
      '9:5 spec.request.positvePrompt: unknown field "positvePrompt" (did you mean `positivePrompt`?)',
    );
    expect(await problems('    positivePrompt: a calm lake\n  outptu: {path: a.mp4}\n')).toContain(
      '10:3 spec.outptu: unknown field "outptu" (did you mean `output`?)',
    );
    expect((await problems('    positivePrompt: a calm lake\n    colourGrading: teal\n')).join('\n')).not.toMatch(/did you mean/);
  });

  it('a wrong type says what it got', async () => {
    expect(await problems('    positivePrompt: a calm lake\n    duration: "5"\n')).toContain('10:15 spec.request.duration: must be integer, got string "5"');
    expect((await problems('    positivePrompt: [a, b]\n')).join('\n')).toMatch(/positivePrompt: must be string, got a list \(2 items\)/);
  });

  it('unknown YAML tags are located errors, not silently dropped', async () => {
    expect(await problems('    positivePrompt: !Ref foo\n')).toEqual([
      '9:21 YAML: unknown tag !Ref: reelctl manifests are plain YAML (no custom tags); remove it or quote the value',
    ]);
  });

  it('outputFormat must match the extension of output.path', async () => {
    expect(await problems('    positivePrompt: a calm lake\n    outputFormat: WEBM\n', '  output: {path: clip.mp4}\n')).toEqual([
      '11:18 spec.output.path: "clip.mp4" ends in .mp4 but spec.request.outputFormat is WEBM, which writes a .webm file; use "clip.webm" or set outputFormat: MP4',
    ]);
    expect(await problems('    positivePrompt: a calm lake\n    outputFormat: WEBM\n', '  output: {path: clip.WebM}\n')).toEqual([]);
    expect(checkOutputFormat('a/clip.m4v', undefined)).toBeUndefined();
    expect(checkOutputFormat('clip', 'MOV')).toBeUndefined();
    expect(checkOutputFormat('clip.avi', 'MOV')?.message).toBe(
      'spec.output.path: "clip.avi" ends in .avi but spec.request.outputFormat is MOV, which writes a .mov file; use "clip.mov"',
    );
  });

  it('the JSON Schema itself holds the outputFormat / extension rule, so editors flag it too', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(videoSchema);
    const m = (path: string, outputFormat?: string) => ({
      apiVersion: 'reelctl/v1',
      kind: 'Video',
      metadata: { name: 'v' },
      spec: {
        request: {
          model: 'klingai:kling-video@3-standard',
          positivePrompt: 'a calm lake',
          width: 1280,
          height: 720,
          ...(outputFormat ? { outputFormat } : {}),
        },
        output: { path },
      },
    });
    expect(validate(m('clip.mp4', 'WEBM'))).toBe(false);
    expect(validate(m('a/clip.webm'))).toBe(false); // default MP4
    expect(validate(m('clip.MOV', 'MOV'))).toBe(true);
    expect(validate(m('a/clip.webm', 'WEBM'))).toBe(true);
    expect(validate(m('a.b/clip'))).toBe(true); // no extension claims no format
    expect(validate(m('clip.m4v', 'MP4'))).toBe(true);
  });

  it('nearest: typos within a third of the length, case-only differences, nothing for unrelated words', () => {
    expect(nearest('positvePrompt', ['positivePrompt', 'negativePrompt'])).toBe('positivePrompt');
    expect(nearest('Duration', ['duration', 'width'])).toBe('duration');
    expect(nearest('foo', ['width', 'height'])).toBeUndefined();
    expect(nearest('alpah', ['alpha', 'beta'])).toBe('alpha'); // a swap is one edit
    expect(describeValue(null)).toBe('null');
    expect(describeValue({ a: 1 })).toBe('a mapping');
    expect(describeValue(1.5)).toBe('number 1.5');
  });
});
