// The state records facts (issue 18): the phase follows from them (state/phase.ts), every settled cost says
// where it came from (state/costs.ts), and a version-2 state is read with both written down (legacy-v2.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../src/state/codec.js';
import { costSourceOf, markCost, videoCostSource } from '../../src/state/costs.js';
import type { Attempt, Phase, VideoState } from '../../src/state/model.js';
import { STATE_VERSION } from '../../src/state/model.js';
import { derivePhase, PHASES } from '../../src/state/phase.js';
import { emptyState, newVideoState, setCondition, setPhase } from '../../src/state/transitions.js';
import { MemoryStateStore } from '../doubles/memory-store.js';

const H = 'sha256:1';
const at = '2026-01-01T00:00:00.000Z';
const attempt = (over: Partial<Attempt> = {}): Attempt => ({
  taskUUID: 't1',
  specHash: H,
  createdAt: at,
  state: 'accepted',
  sends: 1,
  reservedUsd: 0.42,
  ...over,
});
const result = (i: number, over: object = {}) => ({ videoUUID: `v${i}`, videoURL: `https://vm.runware.ai/v${i}.mp4`, costUsd: 0.42, receivedAt: at, ...over });
const output = (taskUUID = 't1', i = 0) => ({ path: `a-${i}.mp4`, sha256: 'a'.repeat(64), bytes: 1, videoUUID: `v${i}`, taskUUID, downloadedAt: at });
const rec = (over: Partial<VideoState> = {}): VideoState => ({ ...newVideoState({ name: 'a', specHash: H, regenerate: 0, outputPath: 'a.mp4' }, 0), ...over });

describe('derivePhase: the phase from the facts', () => {
  it.each<[string, Partial<VideoState>, Phase, boolean?]>([
    ['no attempt', {}, 'Pending'],
    ['only an abandoned attempt', { attempts: [attempt({ state: 'abandoned', costUsd: 0.42 })] }, 'Pending'],
    ['an attempt of another spec only', { attempts: [attempt({ specHash: 'sha256:old', state: 'succeeded' })] }, 'Pending'],
    ['an intent (written before the send)', { attempts: [attempt({ state: 'intent', sends: 0 })] }, 'Pending'],
    ['accepted, no answer past it', { attempts: [attempt()] }, 'Submitted'],
    ['accepted, the API said processing', { attempts: [attempt({ lastPoll: 'processing' })] }, 'Running'],
    ['failed', { attempts: [attempt({ state: 'failed' })] }, 'Failed'],
    ['a newer attempt wins over an older failure', { attempts: [attempt({ state: 'failed' }), attempt({ taskUUID: 't2' })] }, 'Submitted'],
    ['succeeded, not downloaded', { attempts: [attempt({ state: 'succeeded', results: [result(0)] })] }, 'Downloading'],
    ['succeeded, one of two downloaded', { attempts: [attempt({ state: 'succeeded', results: [result(0), result(1)] })], outputs: [output()] }, 'Downloading'],
    ['succeeded, outputs of an older task', { attempts: [attempt({ state: 'succeeded', results: [result(0)] })], outputs: [output('t0')] }, 'Downloading'],
    [
      'succeeded, all downloaded',
      { attempts: [attempt({ state: 'succeeded', results: [result(0), result(1)] })], outputs: [output('t1', 0), output('t1', 1)] },
      'Ready',
    ],
    [
      'succeeded, delivered to an uploadEndpoint (no file)',
      { attempts: [attempt({ state: 'succeeded', results: [result(0, { videoURL: undefined, deliveredTo: 'https://up' })] })] },
      'Ready',
    ],
    [
      'succeeded, the download failed for good',
      {
        attempts: [attempt({ state: 'succeeded', results: [result(0)] })],
        conditions: [{ type: 'DownloadFailed', status: 'True', reason: 'DownloadExpired', message: 'x', lastTransitionTime: at }],
      },
      'Failed',
    ],
    [
      'no attempt left (trimmed), but a download failed for good: never paid again',
      { conditions: [{ type: 'DownloadFailed', status: 'True', reason: 'DownloadExpired', message: 'x', lastTransitionTime: at }] },
      'Failed',
    ],
    ['suspended, nothing in flight', { attempts: [attempt({ state: 'succeeded', results: [result(0)] })], outputs: [output()] }, 'Suspended', true],
    ['suspended with a render in flight: it is finished first', { attempts: [attempt({ lastPoll: 'processing' })] }, 'Running', true],
  ])('%s → %s', (_name, facts, phase, suspend) => {
    const v = rec({ ...facts, phase: phase === 'Pending' ? 'Ready' : 'Pending' }); // the stored phase is never read
    expect(derivePhase(v, suspend === undefined ? {} : { suspend })).toBe(phase);
  });

  it('without the manifest, suspend is the recorded fact; the manifest overrides it', () => {
    const v = rec({ suspended: true });
    expect(derivePhase(v)).toBe('Suspended');
    expect(derivePhase(v, { suspend: false })).toBe('Pending');
  });

  it('a re-sent task accepted again is Submitted until the API reports it processing again', () => {
    const v = rec({ attempts: [attempt()] });
    setPhase(v, 'Running', 1, undefined, 't1');
    expect(derivePhase(v)).toBe('Running');
    setPhase(v, 'Submitted', 2, undefined, 't1'); // "not found", re-sent under the same UUID, accepted
    expect(derivePhase(v)).toBe('Submitted');
  });

  it('setPhase records the facts a phase reports, so derivePhase gives it back (any order of changes)', () => {
    // Random phase changes as the reconciler makes them, over random facts: after each, derive = stored.
    const phases = fc.constantFrom<Phase>(...PHASES);
    const states = fc.constantFrom<Attempt['state']>('intent', 'accepted', 'succeeded', 'failed');
    fc.assert(
      fc.property(fc.array(fc.tuple(phases, states, fc.boolean()), { minLength: 1, maxLength: 12 }), (seq) => {
        const v = rec();
        for (const [i, [phase, state, downloaded]] of seq.entries()) {
          // The facts the reconciler holds when it moves to `phase` (reconcile/*.ts): a consistent attempt.
          const a = consistent(phase, state, downloaded, `t${i}`);
          if (a === undefined) continue;
          v.attempts = a.attempts;
          v.outputs = a.outputs;
          setPhase(v, phase, i, phase === 'Failed' ? 'x' : undefined, a.attempts.at(-1)?.taskUUID);
          if (derivePhase(v) !== phase) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

/** The attempt and outputs behind a phase change, or undefined when the reconciler never makes it so. */
function consistent(phase: Phase, state: Attempt['state'], downloaded: boolean, id: string): Pick<VideoState, 'attempts' | 'outputs'> | undefined {
  const a = attempt({ taskUUID: id, state });
  if (state === 'succeeded') a.results = [result(0)];
  const outputs = state === 'succeeded' && downloaded ? [output(id)] : [];
  const ok: Record<Phase, boolean> = {
    Pending: state === 'intent',
    Submitted: state === 'accepted',
    Running: state === 'accepted',
    Downloading: state === 'succeeded' && !downloaded,
    Ready: state === 'succeeded' && downloaded,
    Failed: state === 'failed' || (state === 'succeeded' && !downloaded),
    Suspended: state !== 'intent' && state !== 'accepted',
  };
  return ok[phase] ? { attempts: [a], outputs } : undefined;
}

describe('costs marked with their source', () => {
  it('a video total is an estimate as soon as one part of it is', () => {
    const v = rec();
    const paid = attempt({ state: 'succeeded', costUsd: 0.42 });
    markCost(v, paid, 'api');
    expect([paid.costSource, v.costSource]).toEqual(['api', 'api']);
    const gone = attempt({ taskUUID: 't2', state: 'abandoned', costUsd: 0.42 });
    markCost(v, gone, 'estimate');
    markCost(v, attempt({ taskUUID: 't3', state: 'failed', costUsd: 0 }), 'api');
    expect([gone.costSource, v.costSource]).toEqual(['estimate', 'estimate']);
  });

  it.each<[string, Partial<Attempt>, string | undefined]>([
    ['unsettled', { state: 'accepted' }, undefined],
    ['every result reported a cost', { state: 'succeeded', costUsd: 0.42, results: [result(0)] }, 'api'],
    ['a result without a cost: the reservation stood in', { state: 'succeeded', costUsd: 0.42, results: [result(0, { costUsd: undefined })] }, 'estimate'],
    ['abandoned after it was sent', { state: 'abandoned', costUsd: 0.42 }, 'estimate'],
    ['abandoned, never reached the API', { state: 'abandoned', costUsd: 0 }, 'api'],
    ['failed: nothing charged', { state: 'failed', costUsd: 0 }, 'api'],
    ['marked: as written', { state: 'succeeded', costUsd: 0.42, costSource: 'estimate', results: [result(0)] }, 'estimate'],
  ])('an attempt without a mark (version 2): %s → %s', (_name, over, source) => {
    expect(costSourceOf(attempt(over))).toBe(source);
  });
});

describe('reading a version-2 state (issue 18)', () => {
  it('marks every settled cost, and records the facts its stored phases held', () => {
    const s = emptyState('l');
    s.videos.paid = rec({
      name: 'paid',
      phase: 'Ready',
      costUsd: 0.42,
      attempts: [attempt({ state: 'succeeded', costUsd: 0.42, results: [result(0)] })],
      outputs: [output()],
    });
    s.videos.mixed = rec({ name: 'mixed', phase: 'Pending', costUsd: 0.42, attempts: [attempt({ state: 'abandoned', costUsd: 0.42 })] });
    s.videos.running = rec({ name: 'running', phase: 'Running', attempts: [attempt()] });
    s.videos.parked = rec({ name: 'parked', phase: 'Suspended' });
    s.videos.lost = rec({
      name: 'lost',
      phase: 'Failed',
      message: 'result URL expired',
      attempts: [attempt({ state: 'succeeded', costUsd: 0.42, results: [result(0)] })],
    });
    setCondition(s.videos.lost, 'Drifted', 'True', 'DownloadExpired', 'expired', 0);
    const v2 = JSON.parse(encodeState(s)) as { version: number; videos: Record<string, VideoState> };
    v2.version = 2;
    for (const v of Object.values(v2.videos)) for (const a of v.attempts) delete a.costSource;
    const back = decodeState(JSON.stringify(v2), 'v2.json');
    expect(back.version).toBe(STATE_VERSION);
    const { paid, mixed, running, parked, lost } = back.videos;
    expect([paid!.attempts[0]!.costSource, paid!.costSource]).toEqual(['api', 'api']);
    expect([mixed!.attempts[0]!.costSource, mixed!.costSource]).toEqual(['estimate', 'estimate']);
    expect(running!.costSource).toBeUndefined(); // nothing settled yet
    for (const v of Object.values(back.videos)) expect([v.name, derivePhase(v)]).toEqual([v.name, v.phase]);
    expect(lost!.conditions.find((c) => c.type === 'DownloadFailed')).toMatchObject({ status: 'True', reason: 'DownloadExpired' });
    expect(videoCostSource(parked!)).toBeUndefined();
  });

  it('a state of this version is read as written', () => {
    const s = emptyState('l');
    s.videos.a = rec({ costUsd: 0.42, costSource: 'estimate', attempts: [attempt({ state: 'abandoned', costUsd: 0.42, costSource: 'estimate' })] });
    expect(decodeState(encodeState(s), 'v3.json').videos.a).toEqual(s.videos.a);
  });
});

describe('the facts contract the test stores enforce', () => {
  it('a condition of an unnamed type or reason, or a cost without its source, is refused', async () => {
    const store = new MemoryStateStore();
    const s = emptyState('l');
    s.videos.a = rec({});
    setCondition(s.videos.a, 'Ready', 'False', 'Pending', 'waiting', 0);
    await store.write(s);
    s.videos.a.conditions.push({ type: 'Stuck' as never, status: 'True', reason: 'Pending', message: 'x', lastTransitionTime: at });
    await expect(store.write(s)).rejects.toThrow(/condition Stuck\/Pending is not a named type and reason/);
    s.videos.a.conditions.pop();
    s.videos.a.conditions.push({ type: 'Drifted', status: 'True', reason: 'Gone' as never, message: 'x', lastTransitionTime: at });
    await expect(store.write(s)).rejects.toThrow(/condition Drifted\/Gone/);
    s.videos.a.conditions.pop();
    s.videos.a.attempts.push(attempt({ state: 'failed', costUsd: 0 }));
    await expect(store.write(s)).rejects.toThrow(/attempt t1 has a cost without its source/);
  });
});
