// Issue 19 item 4: after a clean full load, a change loads only the files the watcher reported and patches
// the controller's set with the videos of those files; cross-file rules still hold; the result is what a
// full load of the same tree gives (checked against loadManifests after each step).
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import type { LoadedVideo } from '../../src/manifest/model.js';
import { loadChangedManifests } from '../../src/manifest/load-changed.js';
import { loadManifests } from '../../src/manifest/load.js';
import { createReloader } from '../../src/daemon/reload.js';
import { tempDirs } from '../tmp-dirs.js';
import { FakeController } from './fakes.js';

const tmp = tempDirs();

const yaml = (name: string, prompt = 'a calm lake at dawn', out?: string) =>
  `apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: ${name}\nspec:\n  request:\n    model: klingai:kling-video@3-standard\n    positivePrompt: ${prompt}\n${out ? `  output:\n    path: ${out}\n` : ''}`;

/** A controller that can patch: records every call and keeps the resulting set by name. */
class PatchingController extends FakeController {
  set = new Map<string, LoadedVideo>();
  patches: { upsert: string[]; remove: string[] }[] = [];
  override setDesired(videos: LoadedVideo[]): void {
    super.setDesired(videos);
    this.set = new Map(videos.map((v) => [v.name, v]));
  }
  patchDesired(upsert: LoadedVideo[], remove: string[]): void {
    this.patches.push({ upsert: upsert.map((v) => v.name), remove });
    for (const n of remove) this.set.delete(n);
    for (const v of upsert) this.set.set(v.name, v);
  }
}

function setup(files = 40) {
  const dir = tmp('reelctl-incr-');
  const m = path.join(dir, 'm');
  mkdirSync(path.join(m, 'sub'), { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(path.join(m, i % 4 ? '' : 'sub', `v${i}.yaml`), yaml(`v${i}`));
  const counts = { full: 0, changedFiles: 0 };
  const ctl = new PatchingController();
  const r = createReloader({
    paths: [m],
    loader: (p) => (counts.full++, loadManifests(p)),
    loadChanged: async (p, changed) => {
      const got = await loadChangedManifests(p, changed);
      counts.changedFiles += got.files.size;
      return got;
    },
    controller: () => ctl,
    clock: systemClock,
    logger: silentLogger(),
  });
  /** The controller's set equals a full load of the tree (names, files, requests). */
  const matchesFullLoad = async () => {
    const full = await loadManifests([m]);
    expect(full.problems).toEqual([]);
    const shape = (vs: Iterable<LoadedVideo>) => [...vs].map((v) => `${v.name}@${v.source.file}:${v.source.line}:${v.request.positivePrompt}`).sort();
    expect(shape(ctl.set.values())).toEqual(shape(full.videos));
  };
  return { m, ctl, r, counts, matchesFullLoad };
}

describe('incremental reload', () => {
  it('a saved manifest: only that file is parsed and the controller is patched with its video alone (no full reload)', async () => {
    const { m, ctl, r, counts, matchesFullLoad } = setup();
    await r.reload('startup');
    expect(counts.full).toBe(1);
    writeFileSync(path.join(m, 'v1.yaml'), yaml('v1', 'a storm at sea'));
    await r.changed([path.join(m, 'v1.yaml')]);
    expect(counts).toEqual({ full: 1, changedFiles: 1 });
    expect(ctl.patches).toEqual([{ upsert: ['v1'], remove: [] }]);
    expect(ctl.desired).toHaveLength(1); // setDesired only at start-up
    expect(r.stats().incremental).toBe(1);
    expect(r.condition()).toMatchObject({ status: 'True', videos: 40 });
    await matchesFullLoad();
  });

  it('deletes, adds, a directory renamed and a directory removed converge to what a full load reads', async () => {
    const { m, ctl, r, counts, matchesFullLoad } = setup();
    await r.reload('startup');
    rmSync(path.join(m, 'v2.yaml'));
    writeFileSync(path.join(m, 'new.yaml'), yaml('brand-new'));
    await r.changed([path.join(m, 'v2.yaml'), path.join(m, 'new.yaml')]);
    expect(ctl.patches.at(-1)).toEqual({ upsert: ['brand-new'], remove: ['v2'] });
    await matchesFullLoad();
    // A directory renamed: the watcher reports both names; the videos keep their names, from the new files.
    renameSync(path.join(m, 'sub'), path.join(m, 'moved'));
    await r.changed([path.join(m, 'sub'), path.join(m, 'moved')]);
    expect(ctl.patches.at(-1)!.remove).toEqual([]);
    expect(ctl.set.get('v0')!.source.file).toContain(`${path.sep}moved${path.sep}`);
    await matchesFullLoad();
    // A directory removed: every video under it goes.
    rmSync(path.join(m, 'moved'), { recursive: true });
    await r.changed([path.join(m, 'moved')]);
    expect(ctl.patches.at(-1)!.remove.sort()).toEqual(['v0', 'v12', 'v16', 'v20', 'v24', 'v28', 'v32', 'v36', 'v4', 'v8']);
    await matchesFullLoad();
    expect(counts.full).toBe(1);
  });

  it('an editor atomic save (temp file renamed over) and dot/temp files: only the manifest counts', async () => {
    const { m, ctl, r, matchesFullLoad } = setup(8);
    await r.reload('startup');
    writeFileSync(path.join(m, '.v3.yaml.swp'), 'junk');
    writeFileSync(path.join(m, 'v3.yaml.tmp'), yaml('v3', 'edited via rename'));
    renameSync(path.join(m, 'v3.yaml.tmp'), path.join(m, 'v3.yaml'));
    await r.changed([path.join(m, '.v3.yaml.swp'), path.join(m, 'v3.yaml')]);
    expect(ctl.set.get('v3')!.request.positivePrompt).toBe('edited via rename');
    await matchesFullLoad();
  });

  it('a duplicate name or an output collision in a changed file is reported as a full load would, nothing is applied, and the fix applies', async () => {
    const { m, ctl, r } = setup(8);
    await r.reload('startup');
    writeFileSync(path.join(m, 'zz.yaml'), yaml('v1'));
    await r.changed([path.join(m, 'zz.yaml')]);
    const full = await loadManifests([m]);
    expect(full.problems.map((p) => p.code)).toEqual(['name.duplicate']);
    expect(r.condition()).toMatchObject({ status: 'False', problems: full.problems });
    expect(ctl.patches).toEqual([]);
    // Fixed in another step; meanwhile two files claim one output path.
    writeFileSync(path.join(m, 'zz.yaml'), yaml('zz', 'a quiet forest', 'same.mp4'));
    writeFileSync(path.join(m, 'v5.yaml'), yaml('v5', 'a quiet forest', 'same.mp4'));
    await r.changed([path.join(m, 'zz.yaml'), path.join(m, 'v5.yaml')]);
    const full2 = await loadManifests([m]);
    expect(full2.problems.map((p) => p.code)).toEqual(['path.collision']);
    expect(r.condition().problems).toEqual(full2.problems);
    expect(ctl.set.has('zz')).toBe(false);
    writeFileSync(path.join(m, 'v5.yaml'), yaml('v5', 'a quiet forest', 'other.mp4'));
    await r.changed([path.join(m, 'v5.yaml')]);
    expect(r.condition().status).toBe('True');
    // After invalid steps the controller was behind: the whole set is handed over once.
    expect(ctl.set.get('zz')!.output.path).toBe('same.mp4');
    expect(ctl.set.get('v5')!.output.path).toBe('other.mp4');
    expect(ctl.set.size).toBe(9);
  });

  it('from a clean picture, each kind of clash a change brings is found (same file, letter case, a file where a directory must be)', async () => {
    for (const [mine, theirs] of [
      ['same.mp4', 'same.mp4'],
      ['Case.mp4', 'case.mp4'],
      ['clips.mp4/a.mp4', 'clips.mp4'],
      ['clips.mp4', 'clips.mp4/a.mp4'],
    ]) {
      const { m, ctl, r } = setup(4);
      writeFileSync(path.join(m, 'v1.yaml'), yaml('v1', 'a quiet forest', theirs));
      await r.reload('startup');
      expect(r.condition().status).toBe('True');
      writeFileSync(path.join(m, 'v2.yaml'), yaml('v2', 'a quiet forest', mine));
      await r.changed([path.join(m, 'v2.yaml')]);
      const full = await loadManifests([m]);
      expect(full.problems.map((p) => p.code)).toEqual(['path.collision']);
      expect(r.condition().problems).toEqual(full.problems);
      expect(ctl.patches).toEqual([]);
    }
  });

  it('an invalid file keeps the last good set until it is fixed; the start-up load with problems makes the next change a full load', async () => {
    const { m, ctl, r, counts, matchesFullLoad } = setup(6);
    writeFileSync(path.join(m, 'bad.yaml'), 'apiVersion: reelctl/v1\nkind: Video\n');
    await r.reload('startup');
    expect(r.condition().status).toBe('False');
    rmSync(path.join(m, 'bad.yaml'));
    await r.changed([path.join(m, 'bad.yaml')]);
    expect(counts.full).toBe(2); // on doubt (no clean picture yet): everything
    expect(r.condition().status).toBe('True');
    writeFileSync(path.join(m, 'v1.yaml'), 'apiVersion: reelctl/v1\nkind: Video\n');
    await r.changed([path.join(m, 'v1.yaml')]);
    expect(r.condition()).toMatchObject({ status: 'False', videos: 6 });
    expect(ctl.set.size).toBe(6);
    writeFileSync(path.join(m, 'v1.yaml'), yaml('v1', 'fixed'));
    await r.changed([path.join(m, 'v1.yaml')]);
    expect(counts.full).toBe(2);
    await matchesFullLoad();
  });

  it('random edits, one step at a time: the patched set always equals a full load', async () => {
    const { m, r, matchesFullLoad } = setup(20);
    await r.reload('startup');
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 25; step++) {
      const i = Math.floor(rand() * 30);
      const file = path.join(m, i % 4 ? '' : 'sub', `v${i}.yaml`);
      const what = rand();
      if (what < 0.3) rmSync(file, { force: true });
      else writeFileSync(file, yaml(`v${i}`, `prompt ${step}`));
      await r.changed([file]);
      expect(r.condition().problems).toEqual([]);
      await matchesFullLoad();
    }
  });

  it('a controller without patchDesired gets the whole set', async () => {
    const dir = tmp('reelctl-incr-');
    writeFileSync(path.join(dir, 'a.yaml'), yaml('a'));
    const ctl = new FakeController();
    const r = createReloader({
      paths: [dir],
      loader: (p) => loadManifests(p),
      loadChanged: (p, c) => loadChangedManifests(p, c),
      controller: () => ctl,
      clock: systemClock,
      logger: silentLogger(),
    });
    await r.reload('startup');
    writeFileSync(path.join(dir, 'b.yaml'), yaml('b'));
    await r.changed([path.join(dir, 'b.yaml')]);
    expect(ctl.last).toEqual(['a', 'b']);
  });
});
