// A loaded video is one literal with every field (to-video.ts `place`, issue 19 item 3: one hidden class per
// shape): the fields, and so the parse cache's JSON of a video, keep the order they always had, on the fast
// path and the precise one alike. Videos without an output path or local inputs share one frozen empty value.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load.js';
import { tempDirs } from '../tmp-dirs.js';

const tmp = tempDirs();

const manifest = (name: string, extra: string) =>
  `apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: ${name}\nspec:\n  request:\n    model: klingai:kling-video@3-standard\n    positivePrompt: "a calm lake"\n    duration: 5\n${extra}`;

describe('the fields of a loaded video', () => {
  it.each([true, false])('in order, with and without the optional ones (fast path: %s)', async (fast) => {
    const dir = tmp('reelctl-fields-');
    writeFileSync(path.join(dir, 'a.yaml'), manifest('a', ''));
    writeFileSync(path.join(dir, 'b.yaml'), manifest('b', '  maxCostUsd: 2\n  output:\n    path: out/b.mp4\n'));
    const r = await loadManifests([dir], { cwd: dir, fast });
    expect(r.problems).toEqual([]);
    const base = ['name', 'labels', 'request', 'output', 'suspend', 'regenerate'];
    expect(Object.keys(r.videos[0]!)).toEqual([...base, 'localInputs', 'source']);
    expect(Object.keys(r.videos[1]!)).toEqual([...base, 'maxCostUsd', 'localInputs', 'source', 'outputSource']);
    expect(r.videos[1]).toMatchObject({
      maxCostUsd: 2,
      output: { path: 'out/b.mp4' },
      source: { file: 'b.yaml', line: 4, col: 9, docIndex: 0 },
      outputSource: { file: 'b.yaml', line: 12, col: 11 },
    });
  });

  it('videos without an output path or local inputs share one frozen empty value of each', async () => {
    const dir = tmp('reelctl-fields-');
    writeFileSync(path.join(dir, 'a.yaml'), manifest('a', ''));
    writeFileSync(path.join(dir, 'c.yaml'), manifest('c', ''));
    const [a, c] = (await loadManifests([dir], { cwd: dir })).videos;
    expect(a!.output).toEqual({});
    expect(a!.localInputs).toEqual([]);
    expect(c!.output).toBe(a!.output);
    expect(c!.localInputs).toBe(a!.localInputs);
    expect(Object.isFrozen(a!.output) && Object.isFrozen(a!.localInputs)).toBe(true);
    expect(JSON.stringify(a)).toContain('"output":{},"suspend":false,"regenerate":0,"localInputs":[],"source":');
  });
});
