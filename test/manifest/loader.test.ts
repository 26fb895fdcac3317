import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { loadManifests } from '../../src/manifest/load.js';
import { resolveLocalInputs } from '../../src/manifest/local-inputs.js';
import { specHash } from '../../src/manifest/spec-hash.js';
import { validateRequest } from '../../src/manifest/validate-request.js';
import { videoDoc } from './video-doc.js';

const tempDir = tempDirs();

const doc = (name: string, extra = '') => videoDoc(name, extra ? { request: extra } : {});

function tmp(): string {
  return tempDir('reelctl-load-');
}

describe('loader', () => {
  it('loads the example manifests with no problems', async () => {
    const r = await loadManifests(['manifests']);
    expect(r.problems).toEqual([]);
    expect(r.videos.map((v) => v.name)).toContain('rainy-neon-alley-pursuit');
    expect(r.videos.length).toBeGreaterThanOrEqual(9);
  });

  it('reads directories recursively, multi-document files, and skips dot-files and non-yaml', async () => {
    const d = tmp();
    mkdirSync(path.join(d, 'sub'));
    mkdirSync(path.join(d, '.hidden'));
    writeFileSync(path.join(d, 'a.yaml'), doc('a-one') + '---\n' + doc('a-two'));
    writeFileSync(path.join(d, 'sub', 'b.yml'), doc('b-one'));
    writeFileSync(path.join(d, '.c.yaml'), doc('hidden-file'));
    writeFileSync(path.join(d, '.hidden', 'd.yaml'), doc('hidden-dir'));
    writeFileSync(path.join(d, 'notes.txt'), 'not yaml');
    writeFileSync(path.join(d, '.a.yaml.swp'), 'garbage');
    const r = await loadManifests([d]);
    expect(r.problems).toEqual([]);
    expect(r.videos.map((v) => v.name).sort()).toEqual(['a-one', 'a-two', 'b-one']);
    expect(r.videos.find((v) => v.name === 'a-two')!.source.docIndex).toBe(1);
  });

  it('reports duplicate names across files with both locations', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'a.yaml'), doc('same'));
    writeFileSync(path.join(d, 'b.yaml'), doc('same'));
    const r = await loadManifests([d], { cwd: d });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ file: 'b.yaml', line: 4, col: 9, code: 'name.duplicate' });
    expect(r.problems[0]!.message).toContain('a.yaml:4:9');
  });

  it('reports every problem of every file at once, sorted', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'b.yaml'), doc('b', '    width: 1920\n    duration: 99\n'));
    writeFileSync(path.join(d, 'a.yaml'), doc('Bad_Name'));
    const r = await loadManifests([d], { cwd: d });
    expect(r.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.code}`)).toEqual([
      'a.yaml:4:9 schema.name',
      'b.yaml:9:12 schema.dependentRequired',
      'b.yaml:10:15 schema.maximum',
    ]);
  });

  it('a missing path is a located problem, not a crash', async () => {
    const r = await loadManifests(['/nonexistent/reelctl/manifests']);
    expect(r.problems[0]).toMatchObject({ code: 'path.missing', line: 1, col: 1 });
  });

  it('refuses files over the size cap', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'big.yaml'), doc('big') + '#' + 'x'.repeat(2048) + '\n');
    const r = await loadManifests([d], { maxFileBytes: 1024 });
    expect(r.problems[0]?.code).toBe('file.too-large');
  });

  it('refuses a local input that is a symlink pointing outside the manifests root', async () => {
    const outside = tmp();
    writeFileSync(path.join(outside, 'secret.jpg'), 'not really a jpeg');
    const d = tmp();
    symlinkSync(path.join(outside, 'secret.jpg'), path.join(d, 'link.jpg'));
    writeFileSync(path.join(d, 'v.yaml'), doc('v', '    inputs:\n      frameImages: [./link.jpg]\n'));
    const r = await loadManifests([d], { cwd: d });
    expect(r.problems).toMatchObject([{ code: 'path.escape', line: 10, col: 21 }]);
  });

  it('hashes local inputs by content and uploads them as data URIs', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'first.png'), 'PNGDATA-1');
    writeFileSync(path.join(d, 'v.yaml'), doc('v', '    inputs:\n      frameImages:\n        - { image: ./first.png, frame: first }\n'));
    const r1 = await loadManifests([d]);
    expect(r1.problems).toEqual([]);
    const v = r1.videos[0]!;
    const req = await resolveLocalInputs(v);
    expect((req.inputs as { frameImages: { image: string }[] }).frameImages[0]!.image).toBe(
      `data:image/png;base64,${Buffer.from('PNGDATA-1').toString('base64')}`,
    );
    expect((v.request.inputs as { frameImages: { image: string }[] }).frameImages[0]!.image).toBe('./first.png');
    writeFileSync(path.join(d, 'first.png'), 'PNGDATA-2');
    const r2 = await loadManifests([d]);
    expect(specHash(r2.videos[0]!)).not.toBe(specHash(v));
  });

  it('treats a __proto__ key as data, never as a prototype', async () => {
    const d = tmp();
    writeFileSync(path.join(d, 'v.yaml'), doc('v') + '  __proto__:\n    polluted: true\n');
    const r = await loadManifests([d]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.problems.length).toBeGreaterThan(0);
  });
});

describe('validateRequest (shared with the simulator)', () => {
  it('accepts a seed request on the wire and refuses a width without a height', () => {
    const wire = {
      taskType: 'videoInference',
      taskUUID: '236ba4b9-e789-4ff4-8fa9-7ca57ab56210',
      deliveryMethod: 'async',
      includeCost: true,
      model: 'klingai:kling-video@3-standard',
      positivePrompt: 'a calm lake',
      width: 1280,
      height: 720,
    };
    expect(validateRequest(wire, { wire: true })).toEqual([]);
    const { height: _h, ...noHeight } = wire;
    expect(validateRequest(noHeight, { wire: true }).map((p) => p.code)).toEqual(['schema.dependentRequired']);
    // The model page's list of sizes is lost: a size it does not list is not known to be wrong.
    expect(validateRequest({ ...wire, width: 1920, height: 1080 }, { wire: true })).toEqual([]);
    expect(validateRequest(wire).map((p) => p.code)).toContain('rule.owned-field');
  });
});
