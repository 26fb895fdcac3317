// A finished render's results are saved while its files download (issue 19 item 6): the save no longer
// waits ahead of the transfer, and the step still ends — Ready saved — only after both. A save that fails
// meanwhile stops the run with the disk error (never an unhandled rejection).
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadedVideo } from '../../src/manifest/model.js';
import { specHash } from '../../src/manifest/spec-hash.js';
import type { ProviderClient } from '../../src/provider/types.js';
import { quietController } from '../doubles/quiet-controller.js';
import type { StateFile, WriteOptions } from '../../src/state/model.js';
import { emptyState, newVideoState } from '../../src/state/transitions.js';
import type { ArtifactStore, DownloadResult } from '../../src/store/artifacts.js';
import { MemoryStateStore } from '../doubles/memory-store.js';
import { tempDirs } from '../tmp-dirs.js';

const tmp = tempDirs();

const video: LoadedVideo = {
  name: 'a',
  labels: {},
  request: { model: 'klingai:kling-video@3-standard', positivePrompt: 'a lake', width: 1280, height: 720, duration: 5 },
  output: {},
  suspend: false,
  regenerate: 0,
  source: { file: 'a.yaml', line: 1, col: 1, docIndex: 0 },
  localInputs: [],
};

/** A state where `a` has an accepted render: the run's first step polls it, and the poll says it finished. */
function acceptedState(): StateFile {
  const state = emptyState('l');
  const hash = specHash(video);
  state.videos.a = {
    ...newVideoState({ name: 'a', specHash: hash, regenerate: 0, outputPath: 'a.mp4' }, 0),
    attempts: [{ taskUUID: 't1', specHash: hash, createdAt: new Date(0).toISOString(), state: 'accepted', sends: 1, reservedUsd: 0.42 }],
  };
  return state;
}

const hasResults = (s: StateFile) => s.videos.a?.attempts[0]?.state === 'succeeded';

/** Saves that carry the finished results wait for `gate` (or fail with `fail`); every step is logged. */
class GatedStore extends MemoryStateStore {
  log: string[] = [];
  gate: Promise<void> = Promise.resolve();
  fail: Error | undefined;
  /** Called when the results save starts (the tests open the gate a few turns later, should the download not). */
  onSaveStarted: () => void = () => undefined;
  private resultsSaved = false;
  override async write(next: StateFile, opts?: WriteOptions): Promise<StateFile> {
    const first = hasResults(next) && !this.resultsSaved;
    if (!first) return super.write(next, opts);
    this.log.push('results save started');
    this.onSaveStarted();
    await this.gate;
    if (this.fail) throw this.fail;
    const w = await super.write(next, opts);
    this.resultsSaved = true;
    this.log.push('results saved');
    return w;
  }
}

function client(): ProviderClient {
  return {
    submit: async () => {
      throw new Error('nothing is submitted in this test');
    },
    poll: async (taskUUID) => ({ taskUUID, status: 'success', videos: [{ videoUUID: 'v1', videoURL: 'https://cdn.test/v1.mp4', cost: 0.42 }] }),
    download: async () => {
      throw new Error('the artifact store double downloads');
    },
    breakerOpen: false,
    stats: () => ({ requests: 0, byOutcome: {}, retries: 0 }),
    close: async () => undefined,
  };
}

/** Writes the file itself (the drift check at the end finds it as recorded); logs when a download starts. */
function artifacts(log: string[], onDownload: () => void): ArtifactStore {
  const outDir = tmp('reelctl-overlap-');
  const bytes = Buffer.from('0123456789');
  return {
    outDir,
    download: async (_url: string, rel: string, _container: unknown, _signal: unknown, afterRename?: (got: DownloadResult) => Promise<void>) => {
      log.push('download started');
      onDownload();
      await writeFile(path.join(outDir, rel), bytes);
      const got = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
      await afterRename?.(got);
      return got;
    },
    writeSidecar: async () => undefined,
  } as unknown as ArtifactStore;
}

function controller(store: GatedStore, onDownload: () => void) {
  const c = quietController(acceptedState(), { store, client: client(), artifacts: artifacts(store.log, onDownload) });
  c.setDesired([video]);
  return c;
}

/** Turns of the event loop after which the gate opens by itself (a download held behind the save would never open it). */
const turns = (n: number, then: () => void) => (n <= 0 ? then() : void setImmediate(() => turns(n - 1, then)));

describe('results saved beside the download', () => {
  it('the download starts before the results are saved; Ready is saved after both', async () => {
    const store = new GatedStore();
    let open: () => void = () => undefined;
    store.gate = new Promise<void>((r) => (open = r));
    // The save is released by the download starting: were the download still behind the save, the gate
    // would open only a few turns after the save started, and the download would start after it ended.
    const c = controller(store, () => open());
    store.onSaveStarted = () => turns(5, open);
    const sum = await c.runToCompletion();
    expect(sum.ready).toBe(1);
    // The save takes its changes a turn after the step asks for it (state/writer.ts); the download does not wait.
    expect(store.log).toEqual(['download started', 'results save started', 'results saved']);
    const saved = (await store.read())!;
    expect(saved.videos.a?.phase).toBe('Ready');
    expect(saved.videos.a?.attempts[0]?.costUsd).toBe(0.42);
  });

  it('a results save that fails while the file downloads stops the run with the disk error', async () => {
    const store = new GatedStore();
    let open: () => void = () => undefined;
    store.gate = new Promise<void>((r) => (open = r));
    store.fail = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const c = controller(store, () => open());
    store.onSaveStarted = () => turns(5, open);
    await expect(c.runToCompletion()).rejects.toMatchObject({ code: 'disk.ENOSPC' });
    expect(store.log.slice(0, 2)).toEqual(['download started', 'results save started']);
    expect(store.log).not.toContain('results saved');
  });
});
