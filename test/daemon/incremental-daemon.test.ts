// The daemon with the real loaders and watcher (issue 19 item 4): a saved manifest reaches the controller
// as a patch of that one video — no full reload — and so do an editor's atomic save and a directory
// renamed; a watch error (events possibly lost) reloads everything.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import type { LoadedVideo } from '../../src/manifest/model.js';
import { loadChangedManifests } from '../../src/manifest/load-changed.js';
import { loadManifests } from '../../src/manifest/load.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { tempDirs } from '../tmp-dirs.js';
import { FakeController, waitFor } from './fakes.js';

const tmp = tempDirs();
const yaml = (name: string, prompt = 'a calm lake at dawn') =>
  `apiVersion: reelctl/v1\nkind: Video\nmetadata:\n  name: ${name}\nspec:\n  request:\n    model: klingai:kling-video@3-standard\n    positivePrompt: ${prompt}\n`;

class PatchingController extends FakeController {
  set = new Map<string, LoadedVideo>();
  patches = 0;
  override setDesired(videos: LoadedVideo[]): void {
    super.setDesired(videos);
    this.set = new Map(videos.map((v) => [v.name, v]));
  }
  patchDesired(upsert: LoadedVideo[], remove: string[]): void {
    this.patches++;
    for (const n of remove) this.set.delete(n);
    for (const v of upsert) this.set.set(v.name, v);
  }
}

describe('daemon: incremental reload', () => {
  let d: Daemon | undefined;
  afterEach(async () => {
    await d?.stop('test');
    d = undefined;
  });

  it('save, atomic save and a directory rename patch the set without a full reload', async () => {
    const m = path.join(tmp('reelctl-incr-d-'), 'm');
    mkdirSync(path.join(m, 'sub'), { recursive: true });
    for (let i = 0; i < 30; i++) writeFileSync(path.join(m, i < 5 ? 'sub' : '', `v${i}.yaml`), yaml(`v${i}`));
    const ctl = new PatchingController();
    let full = 0;
    d = await startDaemon({
      paths: [m],
      loader: (p) => (full++, loadManifests(p)),
      loadChanged: (paths, changed, signal) => loadChangedManifests(paths, changed, signal ? { signal } : {}),
      createRuntime: async () => ({ controller: ctl, close: async () => {} }),
      clock: systemClock,
      logger: silentLogger(),
      listen: { host: '127.0.0.1', port: 0 },
      debounceMs: 50,
      resyncMs: 3_600_000,
    });
    expect(full).toBe(1);
    writeFileSync(path.join(m, 'v7.yaml'), yaml('v7', 'a storm at sea'));
    await waitFor(() => ctl.set.get('v7')?.request.positivePrompt === 'a storm at sea');
    writeFileSync(path.join(m, 'v8.yaml.tmp'), yaml('v8', 'saved by rename'));
    renameSync(path.join(m, 'v8.yaml.tmp'), path.join(m, 'v8.yaml'));
    await waitFor(() => ctl.set.get('v8')?.request.positivePrompt === 'saved by rename');
    renameSync(path.join(m, 'sub'), path.join(m, 'moved'));
    await waitFor(() => [0, 1, 2, 3, 4].every((i) => ctl.set.get(`v${i}`)?.source.file.includes(`${path.sep}moved${path.sep}`)));
    expect(ctl.set.size).toBe(30);
    expect(full).toBe(1); // every change above was loaded file by file
    expect(ctl.patches).toBeGreaterThanOrEqual(3);
    expect(d.reloader.stats().incremental).toBe(d.reloader.stats().reloads - 1);
  });
});
