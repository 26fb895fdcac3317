// Property tests: the loader never throws, whatever the YAML; every problem is located.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { loadManifests } from '../../src/manifest/load.js';

const tmp = tempDirs();

const dir = tmp('reelctl-fuzz-');
let n = 0;

async function loadText(text: string) {
  const file = path.join(dir, `f${n++}.yaml`);
  writeFileSync(file, text);
  return loadManifests([file]);
}

function assertWellFormed(r: Awaited<ReturnType<typeof loadManifests>>) {
  for (const p of r.problems) {
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.col).toBeGreaterThanOrEqual(1);
    expect(typeof p.message).toBe('string');
    expect(p.message.length).toBeGreaterThan(0);
  }
  if (r.problems.length === 0) for (const v of r.videos) expect(typeof v.name).toBe('string');
}

const yamlChars = fc.constantFrom(...'abc:-[]{}&*!|>\'"#%@`, \n\t?0123456789'.split(''));

describe('loader fuzzing', () => {
  it('never throws on random YAML-ish text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(yamlChars, { maxLength: 200 }).map((a) => a.join('')),
        async (text) => {
          assertWellFormed(await loadText(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on random JSON shapes inside a manifest envelope', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }), async (request, metadata) => {
        const text = stringify({ apiVersion: 'reelctl/v1', kind: 'Video', metadata, spec: { request } });
        assertWellFormed(await loadText(text));
      }),
      { numRuns: 300 },
    );
  });

  it('valid random requests load, invalid ones are always reported', async () => {
    const req = fc.record(
      {
        model: fc.constant('klingai:kling-video@3-standard'),
        positivePrompt: fc.string({ minLength: 0, maxLength: 40 }),
        duration: fc.integer({ min: 0, max: 20 }),
        width: fc.constantFrom(1280, 720, 960, 1000),
        height: fc.constantFrom(720, 1280, 960),
      },
      { requiredKeys: ['model', 'positivePrompt', 'duration'] },
    );
    await fc.assert(
      fc.asyncProperty(req, async (request) => {
        const r = await loadText(stringify({ apiVersion: 'reelctl/v1', kind: 'Video', metadata: { name: 'fuzz' }, spec: { request } }));
        assertWellFormed(r);
        // Any size is allowed while the model's size list is unconfirmed; width and height go together.
        const sizeOk = 'width' in request === 'height' in request;
        const valid = request.positivePrompt.length >= 2 && request.duration >= 3 && request.duration <= 15 && sizeOk;
        expect(r.problems.length === 0).toBe(valid);
      }),
      { numRuns: 200 },
    );
  });
});
