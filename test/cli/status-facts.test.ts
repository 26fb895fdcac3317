// status and describe show what the facts say (issue 18): the phase derived from the record, and every
// cost with its source ("(estimate)" when the API did not report it).
import { describe, expect, it } from 'vitest';
import { DESCRIBE_VIEWS } from '../../src/cli/views/describe.js';
import { STATUS_VIEWS, statusJson, statusTable } from '../../src/cli/views/status.js';
import type { Attempt, StateFile, VideoState } from '../../src/state/model.js';
import { emptyState, newVideoState } from '../../src/state/transitions.js';
import { capture } from './capture.js';

const H = 'sha256:' + '1'.repeat(64);
const at = '2026-01-01T00:00:00.000Z';
const attempt = (over: Partial<Attempt>): Attempt => ({ taskUUID: 't1', specHash: H, createdAt: at, state: 'accepted', sends: 1, reservedUsd: 0.42, ...over });
const rec = (name: string, over: Partial<VideoState>): VideoState => ({
  ...newVideoState({ name, specHash: H, regenerate: 0, outputPath: `${name}.mp4` }, 0),
  ...over,
});

function state(): StateFile {
  const s = emptyState('l');
  // Abandoned after it was sent (its reservation counted as paid), then a new render accepted. The record
  // still says Ready from before: the facts say the new render is in flight.
  s.videos.alley = rec('alley', {
    phase: 'Ready',
    costUsd: 0.42,
    costSource: 'estimate',
    attempts: [attempt({ state: 'abandoned', costUsd: 0.42, costSource: 'estimate' }), attempt({ taskUUID: 't2', lastPoll: 'processing' })],
  });
  s.videos.lake = rec('lake', {
    phase: 'Downloading',
    costUsd: 0.42,
    costSource: 'api',
    attempts: [
      attempt({
        state: 'succeeded',
        costUsd: 0.42,
        costSource: 'api',
        results: [{ videoUUID: 'v', receivedAt: at, deliveredTo: 'https://up', costUsd: 0.42 }],
      }),
    ],
  });
  return s;
}

describe('status and describe: phase from facts, cost with its source', () => {
  it('JSON: the derived phase and costSource', () => {
    const videos = (statusJson(state(), {}, 0) as { videos: { name: string; phase: string; costUsd: number; costSource: string | null }[] }).videos;
    expect(videos.map((v) => [v.name, v.phase, v.costUsd, v.costSource])).toEqual([
      ['alley', 'Running', 0.42, 'estimate'],
      ['lake', 'Ready', 0.42, 'api'],
    ]);
    const fresh = emptyState('l');
    fresh.videos.new = rec('new', {});
    expect((statusJson(fresh, {}, 0) as { videos: { costSource: unknown }[] }).videos[0]!.costSource).toBeNull();
  });

  it('tables: the derived phase; -o wide marks an estimated cost', () => {
    expect(statusTable(state(), {}, 0, { isTTY: false })).toMatch(/^alley\s+Running\s/m);
    const c = capture();
    void STATUS_VIEWS.wide(c.out).render({ state: state(), selector: {}, now: 0, statePath: 'state.json' });
    const wide = c.text();
    expect(wide).toMatch(/^alley\s+Running\s+\S+\s+\$0\.42 \(estimate\)\s/m);
    expect(wide).toMatch(/^lake\s+Ready\s+\S+\s+\$0\.42\s+sha256/m);
  });

  it('describe: the derived phase (and what the file says when it differs), costs with their source', () => {
    const c = capture();
    DESCRIBE_VIEWS.text(c.out).render({ name: 'alley', manifest: null, state: state().videos.alley!, events: [], sidecar: null });
    const text = c.text();
    expect(text).toMatch(/^Phase:\s+Running {2}\(the state file says Ready\)$/m);
    expect(text).toMatch(/^Cost:\s+\$0\.42 \(estimate\)$/m);
    expect(text).toMatch(/^ {2}t1 {2}abandoned {2}sent 1× {2}\$0\.42 \(estimate\)$/m);
    expect(text).toMatch(/^ {2}t2 {2}accepted {2}sent 1× {2}reserved \$0\.42$/m);
  });
});
