// Planner behaviours users rely on that a one-line slip would break (issue 18 item 5): any drift is
// re-downloaded, every one of numberResults outputs is expected, Downloading is a render in flight, and
// --prune honours the -l selector for removed manifests too.
import { describe, expect, it } from 'vitest';
import type { LoadedVideo } from '../../src/manifest/model.js';
import { createPlan } from '../../src/plan/planner.js';
import { requestDigest, specHash } from '../../src/manifest/spec-hash.js';
import type { StateFile, VideoState } from '../../src/state/model.js';
import { emptyState, newVideoState } from '../../src/state/transitions.js';
import { attemptsFor, loadedVideo, outputAt } from './records.js';

const video = (name: string, labels: Record<string, string> = { team: 'a' }, req: Record<string, unknown> = {}, over: Partial<LoadedVideo> = {}) =>
  loadedVideo(name, { labels, ...over }, req);
const out = outputAt;
const record = (v: LoadedVideo, patch: Partial<VideoState> = {}): VideoState => ({
  ...newVideoState(
    { name: v.name, specHash: specHash(v), regenerate: v.regenerate, outputPath: `${v.name}.mp4`, labels: v.labels, request: requestDigest(v) },
    0,
  ),
  phase: 'Ready',
  outputs: [out(`${v.name}.mp4`)],
  attempts: attemptsFor(patch.phase ?? 'Ready', specHash(v), Math.max(1, patch.outputs?.length ?? 1)),
  ...patch,
});
function state(...records: VideoState[]): StateFile {
  const s = emptyState('lin');
  for (const r of records) s.videos[r.name] = r;
  return s;
}
const plan = (videos: LoadedVideo[], s: StateFile, opts = {}) => createPlan(videos, s, opts).changes.map((c) => [c.name, c.action, c.reason]);

describe('planner: drift, outputs, in-flight phases, prune selector', () => {
  it('an output modified by hand (not only a missing one) is re-downloaded', () => {
    const v = video('lake');
    const [c] = createPlan([v], state(record(v)), { outputStatus: () => 'modified' }).changes;
    expect(c).toMatchObject({ action: 'download', reason: expect.stringMatching(/lake\.mp4 modified/) });
  });

  it('numberResults 3 with one output on disk plans the two missing downloads', () => {
    const v = video('lake', undefined, { numberResults: 3 });
    const [c] = createPlan([v], state(record(v)), {}).changes;
    expect(c).toMatchObject({ action: 'download', reason: '2 of 3 outputs not downloaded yet' });
    const all = record(v, { outputs: [out('lake-1.mp4'), out('lake-2.mp4'), out('lake-3.mp4')] });
    expect(createPlan([v], state(all), {}).changes[0]).toMatchObject({ action: 'noop', reason: 'up to date' });
  });

  it('Downloading is a render in flight: same spec waits, a spec change replaces after it', () => {
    const v = video('lake');
    const downloading = record(v, { phase: 'Downloading', outputs: [] });
    // Paid for and finished: downloaded by the next apply, never rendered again.
    expect(plan([v], state(downloading))).toEqual([['lake', 'download', 'render finished; download pending']]);
    const [c] = createPlan([video('lake', undefined, {}, { regenerate: 1 })], state(downloading)).changes;
    expect(c).toMatchObject({ action: 'replace', reason: expect.stringMatching(/after the render in progress finishes/) });
  });

  it('decides from the facts (attempts, results, outputs), not from the phase the record stored', () => {
    const v = video('lake');
    const hash = specHash(v);
    // Stored Running, but the render succeeded and its file is verified: up to date.
    expect(plan([v], state(record(v, { phase: 'Running', attempts: attemptsFor('Ready', hash) })))).toEqual([['lake', 'noop', 'up to date']]);
    // Stored Ready, but the latest attempt failed: the failure, with what to do (never a second render).
    const failed = record(v, { phase: 'Ready', outputs: [], attempts: attemptsFor('Failed', hash), message: 'render failed: x' });
    expect(createPlan([v], state(failed)).changes[0]).toMatchObject({
      action: 'noop',
      reason: 'failed: render failed: x',
      attention: expect.stringMatching(/bump spec.regenerate/),
    });
    // Stored Failed, but the latest attempt succeeded and nothing blocks its download: downloaded, not re-rendered.
    expect(plan([v], state(record(v, { phase: 'Failed', outputs: [], attempts: attemptsFor('Downloading', hash) })))).toEqual([
      ['lake', 'download', 'render finished; download pending'],
    ]);
  });

  it('--prune with -l deletes only removed videos the selector matches', () => {
    const mine = record(video('mine', { team: 'a' }));
    const theirs = record(video('theirs', { team: 'b' }));
    expect(plan([], state(mine, theirs), { prune: true, selector: { team: 'a' } })).toEqual([
      ['mine', 'delete', 'manifest removed: outputs will be archived under .archive/ and the state entry dropped'],
    ]);
    expect(plan([], state(mine, theirs), { selector: { team: 'b' } })).toEqual([
      ['theirs', 'noop', 'manifest removed: outputs kept (use --prune to archive them)'],
    ]);
  });
});
