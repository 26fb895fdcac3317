// Model rules reject only what is known to be wrong (issue 13, item 9), and local videos/audio — which the API
// only takes as a URL or an uploaded media UUID — are refused, located (item 10).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load.js';
import { MODELS } from '../../src/manifest/models.js';
import { validateRequest } from '../../src/manifest/validate-request.js';
import { estimateCostUsd, PRICES } from '../../src/pricing/prices.js';

const valid = path.join(import.meta.dirname, '..', 'fixtures', 'valid');
const base = { model: 'klingai:kling-video@3-standard', positivePrompt: 'a calm lake at dawn' };

describe('model rules', () => {
  it("accepts the seed's own elements examples, and requests with only reference images, only elements or no size at all", async () => {
    const r = await loadManifests([valid], { cwd: valid });
    expect(r.problems).toEqual([]);
    expect(r.videos.map((v) => v.name).sort()).toEqual([
      'element-voice-and-remote-video',
      'neither-size-nor-frames',
      'only-reference-images',
      'seed-element-create',
      'seed-element-reuse',
      'size-and-frames',
    ]);
  });

  it('refuses width without height (and the reverse) at the field, as a schema rule (dependentRequired)', async () => {
    const { problems } = await loadManifests(
      [path.join(valid, '..', 'invalid', '086-width-without-height.yaml'), path.join(valid, '..', 'invalid', '087-height-without-width.yaml')],
      { cwd: path.join(valid, '..') },
    );
    expect(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`)).toEqual([
      'invalid/086-width-without-height.yaml:10:12: spec.request.width: add height too (width and height go together)',
      'invalid/087-height-without-width.yaml:10:13: spec.request.height: add width too (width and height go together)',
    ]);
  });

  it('element combinations the model page forbids are refused at the offending field; voices alone are not', () => {
    const el = (e: object) => validateRequest({ ...base, inputs: { elements: [{ id: 'a', ...e }] } });
    expect(el({ images: ['i'] })).toMatchObject([{ pointer: '/inputs/elements/0/images', code: 'schema.dependentRequired' }]);
    expect(el({ videos: ['https://x/v.mp4'], frontalImage: 'f' })).toMatchObject([{ pointer: '/inputs/elements/0/frontalImage', code: 'schema.combination' }]);
    expect(el({ videos: ['https://x/v.mp4'], voices: ['https://x/a.mp3'] })).toMatchObject([
      { pointer: '/inputs/elements/0/voices', code: 'schema.combination' },
    ]);
    expect(el({ voices: ['https://x/a.mp3'] })).toEqual([]);
    expect(el({ frontalImage: 'f', images: ['i'], voices: ['https://x/a.mp3'] })).toEqual([]);
  });

  it('a local video or audio file, or a video as a data URI, is refused with a located message naming URL or media UUID', async () => {
    const r = validateRequest({
      ...base,
      inputs: {
        referenceVideos: ['./clip.mp4', 'data:video/mp4;base64,AAAA', 'https://x/ok.mp4'],
        elements: [
          { id: 'a', videos: ['../walk.mov'] },
          { id: 'b', voices: ['./voice.mp3'] },
        ],
      },
    });
    expect(r.map((p) => `${p.pointer} ${p.code}`)).toEqual([
      '/inputs/referenceVideos/0 input.local-media',
      '/inputs/referenceVideos/1 input.data-uri',
      '/inputs/elements/0/videos/0 input.local-media',
      '/inputs/elements/1/voices/0 input.local-media',
    ]);
    expect(r[0]!.message).toMatch(/URL or the UUID of media uploaded to Runware.*mediaStorage is not built into reelctl yet/);
    const { problems } = await loadManifests([path.join(valid, '..', 'invalid', '098-local-reference-video.yaml')], { cwd: path.join(valid, '..') });
    expect(problems).toMatchObject([{ line: 11, col: 25, code: 'input.local-media' }]);
  });

  it('sizes and prices live in one dated table with their source; an unlisted size is not refused while the list is incomplete', () => {
    const m = MODELS['klingai:kling-video@3-standard']!;
    for (const part of [m.sizes, m.price]) {
      expect(part.source.length).toBeGreaterThan(10);
      expect(part.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(PRICES['klingai:kling-video@3-standard']).toMatchObject({ usdPerSecond: m.price.usdPerSecond, asOf: m.price.asOf });
    expect(estimateCostUsd({ model: 'klingai:kling-video@3-standard', duration: 6 })).toBe(0.504); // the seed's example
    expect(m.sizes.complete).toBe(false);
    expect(validateRequest({ ...base, width: 1920, height: 1080 })).toEqual([]);
  });
});
