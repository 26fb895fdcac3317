// Records for planner tests, built from facts: the attempts a phase follows from (state/phase.ts). The
// planner decides from these facts, never from the stored phase, so a fixture must hold them.
import type { LoadedVideo } from '../../src/manifest/model.js';
import type { Attempt, OutputRecord, Phase } from '../../src/state/model.js';

/** A loaded 5 s 720p video of team 'a' from m.yaml:1:1; `over` replaces fields, `req` request fields. */
export const loadedVideo = (name: string, over: Partial<LoadedVideo> = {}, req: Record<string, unknown> = {}): LoadedVideo => ({
  name,
  labels: { team: 'a' },
  request: { model: 'klingai:kling-video@3-standard', positivePrompt: 'a calm lake at dawn', width: 1280, height: 720, duration: 5, ...req },
  output: {},
  suspend: false,
  regenerate: 0,
  source: { file: 'm.yaml', line: 1, col: 1, docIndex: 0 },
  localInputs: [],
  ...over,
});

/** A downloaded output at `p` (sha256 a…a, 10 bytes). */
export const outputAt = (p: string): OutputRecord => ({
  path: p,
  sha256: 'a'.repeat(64),
  bytes: 10,
  videoUUID: 'v',
  taskUUID: 't',
  downloadedAt: '2026-01-01T00:00:00Z',
});

const result = (i: number) => ({ videoUUID: `v${i}`, videoURL: `https://vm.runware.ai/video/v${i}.mp4`, costUsd: 0.42, receivedAt: '2026-01-01T00:00:01Z' });

/** The attempts of `specHash` behind `phase` (task 't', the outputs' task); `results` for a finished render. */
export function attemptsFor(phase: Phase, specHash: string, results = 1): Attempt[] {
  const a: Attempt = { taskUUID: 't', specHash, createdAt: '2026-01-01T00:00:00Z', state: 'accepted', sends: 1, reservedUsd: 0.42 };
  switch (phase) {
    case 'Pending':
    case 'Suspended':
      return [];
    case 'Submitted':
      return [a];
    case 'Running':
      return [{ ...a, lastPoll: 'processing' }];
    case 'Failed':
      return [{ ...a, state: 'failed', costUsd: 0, costSource: 'api', error: { code: 'generationFailed', message: 'x' } }];
    default:
      return [{ ...a, state: 'succeeded', costUsd: 0.42 * results, costSource: 'api', results: Array.from({ length: results }, (_, i) => result(i)) }];
  }
}
