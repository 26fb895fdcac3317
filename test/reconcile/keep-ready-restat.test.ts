// A Ready video's drift check on a record from an older state (no recorded stat): the file is hashed once
// and its stat recorded, but that shortcut is not worth a save of its own — a daemon starting on such a
// state restats every output, and one save per video (10,000 journal appends at 10k tracked videos, and
// the compactions they trigger) was its RSS regression (bench daemon-10k). The next save carries it.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { outputBasePath } from '../../src/manifest/defaults.js';
import type { LoadedVideo } from '../../src/manifest/model.js';
import type { Step } from '../../src/reconcile/context.js';
import { keepReady } from '../../src/reconcile/outputs.js';
import { newVideoState } from '../../src/state/transitions.js';
import { tempDirs } from '../tmp-dirs.js';

const tmp = tempDirs();

const desired: LoadedVideo = {
  name: 'a',
  labels: {},
  request: { model: 'klingai:kling-video@3-standard', positivePrompt: 'a calm lake', width: 1280, height: 720, duration: 5 } as LoadedVideo['request'],
  output: {},
  suspend: false,
  regenerate: 0,
  source: { file: 'a.yaml', line: 1, col: 1, docIndex: 0 },
  localInputs: [],
};

function readyStep(outDir: string) {
  const rel = outputBasePath(desired);
  const bytes = Buffer.from('a finished render');
  writeFileSync(path.join(outDir, rel), bytes);
  const v = newVideoState({ name: 'a', specHash: 'sha256:x', regenerate: 0, outputPath: rel }, 0);
  v.outputs.push({
    path: rel,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    videoUUID: 'u',
    taskUUID: 't',
    downloadedAt: new Date(0).toISOString(),
  });
  const records = { markDirty: vi.fn(), flush: vi.fn(async () => undefined) };
  const step = {
    deps: { artifacts: { outDir }, verifyOutputs: false },
    env: { records, drift: { take: () => true, mark: () => undefined } },
    name: 'a',
    v,
    desired,
  } as unknown as Step;
  return { step, v, records };
}

describe('keepReady on a record without a recorded stat', () => {
  it('records the stat and marks the record dirty without a save of its own', async () => {
    const { step, v, records } = readyStep(tmp('reelctl-restat-'));
    await keepReady(step);
    expect(v.outputs[0]!.seen).toEqual(expect.objectContaining({ mtimeNs: expect.any(String), ino: expect.any(String) }));
    expect(records.markDirty).toHaveBeenCalledWith('a');
    expect(records.flush).not.toHaveBeenCalled();
  });
});
