// A mapping key that is itself a collection (`? { k: 5 }`) is reported at its line like any bad key, and
// the YAML library's Node warning ("Keys with collection values will be stringified") never reaches stderr.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadManifests } from '../../src/manifest/load.js';
import { tempDirs } from '../tmp-dirs.js';
import { videoDoc } from './video-doc.js';

const tempDir = tempDirs();
afterEach(() => vi.restoreAllMocks());

describe('a collection as a mapping key', () => {
  it('is a located problem, and no process warning is emitted', async () => {
    const d = tempDir('reelctl-collection-key-');
    const text = videoDoc('a').replace('  name: a\n', '  name: a\n  labels:\n    ? { k: 5 }\n    : x\n');
    writeFileSync(path.join(d, 'a.yaml'), text);
    const emitted = vi.spyOn(process, 'emitWarning');
    const r = await loadManifests([d], { cwd: d });
    expect(emitted).not.toHaveBeenCalled();
    expect(r.videos).toEqual([]);
    expect(r.problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toContainEqual(expect.stringMatching(/^6:5 .*invalid key/));
  });
});
