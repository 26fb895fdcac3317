// A long manifests load serves the event loop and can be abandoned (issue 19: SIGTERM during a reload at
// 50,000 videos): a callback queued behind it runs before it ends, an abort stops it between files, and
// an abandoned load stores nothing in the parse cache.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load.js';
import { openParseCache } from '../../src/manifest/parse-cache.js';
import { tempDirs } from '../tmp-dirs.js';

const tmp = tempDirs();
const yaml = (i: number) =>
  `apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: v${i}\nspec:\n  request:\n    model: klingai:kling-video@3-standard\n    positivePrompt: a calm lake at dawn number ${i}\n`;

describe('loadManifests: abort', () => {
  it('an abort queued behind the load (setImmediate) stops it; nothing is cached', async () => {
    const dir = tmp('reelctl-abort-');
    const m = path.join(dir, 'm');
    mkdirSync(m);
    for (let i = 0; i < 400; i++) writeFileSync(path.join(m, `v${i}.yaml`), yaml(i));
    const cacheFile = path.join(dir, 'parse-cache.json');
    const cache = await openParseCache(cacheFile, { version: 't' });
    const ac = new AbortController();
    const loading = loadManifests([m], { signal: ac.signal, cache, now: () => Date.now() + 60_000 });
    setImmediate(() => ac.abort(new Error('stopping')));
    await expect(loading).rejects.toThrow('stopping');
    expect(existsSync(cacheFile)).toBe(false);
    // Without a signal the same tree loads whole.
    expect((await loadManifests([m])).videos).toHaveLength(400);
  });
});
