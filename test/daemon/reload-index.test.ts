// The reload index keeps a file's one video as itself and a list only for files with none or several
// (issue 19: no wrapper object and array per file). Every form must read back as the full load lists it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadedVideo } from '../../src/manifest/model.js';
import { ManifestIndex } from '../../src/daemon/reload-index.js';

const cwd = '/m';
const video = (name: string, file: string, out?: string): LoadedVideo => ({
  name,
  labels: {},
  request: { model: 'm', positivePrompt: 'p' },
  output: out ? { path: out } : {},
  suspend: false,
  regenerate: 0,
  source: { file, line: 1, col: 1, docIndex: 0 },
  localInputs: [],
});
const names = (vs: readonly LoadedVideo[]) => vs.map((v) => v.name);

describe('ManifestIndex', () => {
  it('files of one video, of several and of none read back in file order; changes update each form', () => {
    const videos = [video('a1', 'a.yaml'), video('a2', 'a.yaml'), video('a3', 'a.yaml'), video('b', 'b.yaml'), video('c', 'sub/c.yaml')];
    const files = ['/m/a.yaml', '/m/b.yaml', '/m/sub/c.yaml'];
    const index = ManifestIndex.fromVideos(videos, cwd, files);
    expect(index.size).toBe(3);
    expect(names(index.videos())).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
    expect(index.problems()).toEqual([]);

    // b.yaml now holds two videos, a.yaml one, sub/c.yaml none; d.yaml is new with one.
    const b2 = [video('b', 'b.yaml'), video('b2', 'b.yaml')];
    const r = index.update({
      files: new Map([
        ['/m/a.yaml', { videos: [video('a1', 'a.yaml')], problems: [] }],
        ['/m/b.yaml', { videos: b2, problems: [] }],
        ['/m/sub/c.yaml', { videos: [], problems: [] }],
        ['/m/d.yaml', { videos: [video('d', 'd.yaml')], problems: [] }],
      ]),
      scopes: ['/m/a.yaml', '/m/b.yaml', '/m/sub/c.yaml', '/m/d.yaml'],
    });
    expect(names(r.before).sort()).toEqual(['a1', 'a2', 'a3', 'b', 'c']);
    expect(names(r.after)).toEqual(['a1', 'b', 'b2', 'd']);
    expect(names(index.videos())).toEqual(['a1', 'b', 'b2', 'd']);
    expect(index.size).toBe(4);
    expect(index.problems()).toEqual([]);

    // A file removed (its scope reported, not found): its videos are gone, the one-video form included.
    const gone = index.update({ files: new Map(), scopes: ['/m/d.yaml'] });
    expect(names(gone.before)).toEqual(['d']);
    expect(names(index.videos())).toEqual(['a1', 'b', 'b2']);
  });

  it("a file's problems are kept until it is clean again; a clash between one-video files is found", () => {
    const index = ManifestIndex.fromVideos([video('a', 'a.yaml'), video('b', 'b.yaml')], cwd);
    const problem = { file: 'b.yaml', line: 3, col: 1, code: 'schema.type', message: 'broken' };
    index.update({ files: new Map([['/m/b.yaml', { videos: [], problems: [problem] }]]), scopes: ['/m/b.yaml'] });
    expect(index.problems()).toEqual([problem]);
    index.update({ files: new Map([['/m/b.yaml', { videos: [video('a', 'b.yaml')], problems: [] }]]), scopes: ['/m/b.yaml'] });
    expect(index.problems().map((p) => p.code)).toEqual(['name.duplicate']);
    index.update({ files: new Map([['/m/b.yaml', { videos: [video('b', 'b.yaml')], problems: [] }]]), scopes: ['/m/b.yaml'] });
    expect(index.problems()).toEqual([]);
    expect(names(index.videos())).toEqual(['a', 'b']);
  });

  it('without the load’s list of files, keys are the resolved paths (the same picture)', () => {
    const index = ManifestIndex.fromVideos([video('x', path.join('d', 'x.yaml'))], cwd, ['/elsewhere/x.yaml']);
    const r = index.update({ files: new Map(), scopes: ['/m/d/x.yaml'] });
    expect(names(r.before)).toEqual(['x']);
    expect(index.size).toBe(0);
  });

  it('output paths are counted by hash: two paths with the same hash are not a clash (the exact check decides)', () => {
    // o93vu.mp4 and ogtea.mp4 share their 32-bit FNV-1a hash.
    const index = ManifestIndex.fromVideos([video('a', 'a.yaml', 'o93vu.mp4')], cwd);
    index.update({ files: new Map([['/m/b.yaml', { videos: [video('b', 'b.yaml', 'ogtea.mp4')], problems: [] }]]), scopes: ['/m/b.yaml'] });
    expect(index.problems()).toEqual([]);
    index.update({ files: new Map([['/m/c.yaml', { videos: [video('c', 'c.yaml', 'OGTEA.mp4')], problems: [] }]]), scopes: ['/m/c.yaml'] });
    expect(index.problems().map((p) => p.code)).toEqual(['path.collision']);
  });
});
