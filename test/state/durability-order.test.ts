// Durability order of a state write (issue 18 item 5): the temp file is fsynced before it is renamed over
// the state, so a power cut can never leave a renamed but empty or partial state. Recorded through the
// injectable fs layer (as failing-fs.ts injects faults).
import * as fs from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStateStore, type StateFs } from '../../src/state/file-store.js';
import { emptyState, newVideoState } from '../../src/state/transitions.js';

/** The real fs, logging `op path` for each step a state write takes (handles named by the path they opened). */
function recordingFs(log: string[]): StateFs {
  return {
    open: (async (file: string, ...rest: unknown[]) => {
      const fh = await (fs.open as (...a: unknown[]) => Promise<fs.FileHandle>)(file, ...rest);
      const name = path.basename(file);
      return new Proxy(fh, {
        get(t, k) {
          const val = Reflect.get(t, k);
          if (typeof val !== 'function') return val;
          return (...args: unknown[]) => {
            if (k === 'sync' || k === 'datasync' || k === 'write' || k === 'writeFile' || k === 'close') log.push(`${String(k)} ${name}`);
            return (val as (...x: unknown[]) => unknown).apply(t, args);
          };
        },
      });
    }) as StateFs['open'],
    rename: async (a, b) => {
      log.push(`rename ${path.basename(String(a))} ${path.basename(String(b))}`);
      await fs.rename(a, b);
    },
    link: fs.link,
    unlink: fs.unlink,
    mkdir: fs.mkdir,
    readFile: fs.readFile,
  };
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('state write durability order', () => {
  it('the temp file is written, fsynced and closed before it is renamed over the state', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reelctl-durable-'));
    const file = path.join(dir, 'state.json');
    const log: string[] = [];
    const store = new FileStateStore(file, recordingFs(log));
    const first = await store.write(emptyState('lin'));
    log.length = 0;
    await store.write({ ...first, videos: { a: newVideoState({ name: 'a', specHash: 'sha256:1', regenerate: 0, outputPath: 'a.mp4' }, 0) } });
    const rename = log.findIndex((l) => /^rename state\.json\.tmp-\S+ state\.json$/.test(l));
    expect(rename).toBeGreaterThan(0);
    const tmp = log[rename]!.split(' ')[1]!;
    const steps = log
      .slice(0, rename)
      .filter((l) => l.endsWith(` ${tmp}`))
      .map((l) => l.split(' ')[0]);
    // Written (whole, or piece by piece), then fsynced, then closed.
    expect(steps.filter((s) => s !== 'write' && s !== 'writeFile')).toEqual(['sync', 'close']);
    expect(['write', 'writeFile']).toContain(steps[0]);
    expect((await new FileStateStore(file).read())!.videos.a!.specHash).toBe('sha256:1');
  });
});
