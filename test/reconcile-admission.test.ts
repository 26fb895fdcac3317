// Admission (src/reconcile/admission.ts): one owner of slots, the waiting list and the --max-cost budget,
// seeded from the state on recovery so a resumed apply or a restarted daemon stays within its cap.
import { describe, expect, it } from 'vitest';
import { Admission } from '../src/reconcile/admission.js';
import { DAY_MS, recordedBudget } from '../src/reconcile/budget.js';
import type { Attempt, StateFile } from '../src/state/model.js';
import { newVideoState } from '../src/state/transitions.js';

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

function stateWith(attempts: Record<string, Partial<Attempt>[]>, extra: Partial<StateFile> = {}): StateFile {
  const videos = Object.fromEntries(
    Object.entries(attempts).map(([name, list]) => [
      name,
      {
        ...newVideoState({ name, specHash: 'h', regenerate: 0, outputPath: `${name}.mp4` }, T0),
        attempts: list.map(
          (a, i) => ({ taskUUID: `${name}-${i}`, specHash: 'h', createdAt: iso(T0), state: 'accepted', sends: 1, reservedUsd: 0.42, ...a }) as Attempt,
        ),
      },
    ]),
  );
  return { version: 2, serial: 1, lineage: 'l', videos, ...extra };
}

describe('Admission', () => {
  it('apply: renders adopted from an interrupted run count against --max-cost, and hold their slots', () => {
    const adm = new Admission({ concurrency: 4, maxCostUsd: 1.0 });
    adm.recover(stateWith({ a: [{}], b: [{ state: 'intent' }], gone: [{}] }), new Set(['a', 'b', 'c', 'd']), T0);
    expect(adm.inflightCount).toBe(2); // `gone` is no longer desired: this run does not adopt it
    expect(adm.admit('c', 'c-0', 0.42, T0)).toEqual({ ok: false, reason: 'budget', first: true }); // 0.84 + 0.42 > 1.00
    expect(adm.admit('d', 'd-0', 0.42, T0)).toEqual({ ok: false, reason: 'budget', first: false }); // one budget-exhausted event per episode
    expect(adm.exhausted).toBe(true);
    expect(adm.status(T0)).toMatchObject({ reservedUsd: 0.84, remainingUsd: 0.16 });
  });

  it('apply: a resumed run continues the interrupted one — what it already paid counts, an earlier finished run does not', () => {
    const state = stateWith({
      paid: [{ state: 'succeeded', costUsd: 0.42, run: 'r1' }], // paid before the kill, not downloaded yet
      flying: [{ state: 'accepted', run: 'r1' }],
      older: [{ state: 'succeeded', costUsd: 5, run: 'r0' }],
    });
    state.videos.older!.outputs = [{ path: 'older.mp4', sha256: 'a'.repeat(64), bytes: 1, videoUUID: 'v', taskUUID: 'older-0', downloadedAt: iso(T0) }];
    const adm = new Admission({ concurrency: 4, maxCostUsd: 1.0 });
    adm.recover(state, new Set(['paid', 'flying', 'older', 'new']), T0);
    expect(adm.runId).toBe('r1');
    expect(adm.status(T0)).toMatchObject({ spentUsd: 0.42, reservedUsd: 0.42, remainingUsd: 0.16 });
    expect(adm.admit('new', 'new-0', 0.42, T0).ok).toBe(false);
    // A run that finished (everything downloaded) is not resumed: a new apply has its whole cap.
    const done = stateWith({ older: [{ state: 'succeeded', costUsd: 5, run: 'r0' }] });
    done.videos.older!.outputs = state.videos.older!.outputs;
    const fresh = new Admission({ concurrency: 4, maxCostUsd: 1.0 });
    fresh.recover(done, new Set(['older', 'new']), T0);
    expect(fresh.runId).not.toBe('r0');
    expect(fresh.admit('new', 'new-0', 0.42, T0).ok).toBe(true);
  });

  it('apply: an older render replaced by a newer one, or a download given up by an apply that ended, resumes nothing', () => {
    const out = (task: string) => [{ path: 'a.mp4', sha256: 'a'.repeat(64), bytes: 1, videoUUID: 'v', taskUUID: task, downloadedAt: iso(T0) }];
    const state = stateWith({
      a: [
        { state: 'succeeded', costUsd: 5, run: 'r0' },
        { state: 'succeeded', costUsd: 0.42, run: 'r1' },
      ],
      b: [{ state: 'succeeded', costUsd: 0.42, run: 'r2' }],
    });
    state.videos.a!.outputs = out('a-1');
    const ended = new Admission({ concurrency: 4, maxCostUsd: 1.0 });
    ended.runId = 'r2';
    expect(ended.closeRun(state)).toEqual(['b']); // r2 ended with b's download given up
    expect(state.videos.b!.attempts[0]!.run).toBeUndefined();
    const next = new Admission({ concurrency: 4, maxCostUsd: 1.0 });
    next.recover(state, new Set(['a', 'b', 'c']), T0);
    expect(['r0', 'r1', 'r2']).not.toContain(next.runId);
    expect(next.status(T0)).toMatchObject({ spentUsd: 0, reservedUsd: 0, remainingUsd: 1 });
  });

  it('compares with an epsilon: exactly the cap fits, a hair over does not', () => {
    const adm = new Admission({ concurrency: 9, maxCostUsd: 0.3 });
    expect(adm.admit('a', 'a', 0.1, T0).ok).toBe(true);
    expect(adm.admit('b', 'b', 0.2, T0).ok).toBe(true); // 0.1 + 0.2 = 0.30000000000000004 in floating point
    const over = new Admission({ concurrency: 9, maxCostUsd: 0.3 });
    expect(over.admit('a', 'a', 0.3001, T0).ok).toBe(false);
  });

  it('slots: a full house puts the video on the waiting list; finishing settles and hands the waiters back', () => {
    const adm = new Admission({ concurrency: 1, maxCostUsd: 10 });
    expect(adm.admit('a', 'a-0', 0.42, T0).ok).toBe(true);
    expect(adm.admit('b', 'b-0', 0.42, T0)).toEqual({ ok: false, reason: 'slot' });
    const attempt = { taskUUID: 'a-0', createdAt: iso(T0) } as Attempt;
    expect(adm.finish('a', attempt, 0.5)).toEqual(['b']);
    expect(adm.spentUsd).toBe(0.5);
    expect(adm.status(T0)).toMatchObject({ spentUsd: 0.5, reservedUsd: 0, remainingUsd: 9.5 });
    expect(adm.release('b')).toEqual([]); // not holding a slot: nothing to hand back
    expect(adm.admit('c', 'c-0', 9.5, T0).ok).toBe(true);
    adm.cancel('c', 'c-0'); // the step failed before its intent existed: slot and budget come back
    expect(adm.inflightCount).toBe(0);
    expect(adm.status(T0)).toMatchObject({ reservedUsd: 0, remainingUsd: 9.5 });
  });

  it('slots: a freed slot wakes the oldest waiter only; one woken that does not take the slot passes it on', () => {
    const adm = new Admission({ concurrency: 2 });
    expect(adm.admit('a', 'a-0', 0, T0).ok).toBe(true);
    expect(adm.admit('b', 'b-0', 0, T0).ok).toBe(true);
    for (const w of ['w1', 'w2', 'w3', 'w4']) expect(adm.admit(w, `${w}-0`, 0, T0)).toEqual({ ok: false, reason: 'slot' });
    const attempt = (k: string) => ({ taskUUID: k, createdAt: iso(T0) }) as Attempt;
    // Before: every waiter was woken at each freed slot (10,000 refused steps per finished render at scale).
    expect(adm.finish('a', attempt('a-0'), 0)).toEqual(['w1']);
    expect(adm.stepEnded('b')).toEqual([]); // another video's step: the free slot is already promised to w1
    expect(adm.admit('w1', 'w1-0', 0, T0).ok).toBe(true); // w1 took it
    expect(adm.stepEnded('w1')).toEqual([]);
    expect(adm.release('b')).toEqual(['w2']);
    expect(adm.stepEnded('w2')).toEqual(['w3']); // w2 needed no slot any more (removed, suspended …): w3 gets it
    expect(adm.admit('late', 'late-0', 0, T0).ok).toBe(true); // a video not woken took the slot first
    expect(adm.admit('w3', 'w3-0', 0, T0)).toEqual({ ok: false, reason: 'slot' }); // w3 waits again, behind w4
    expect(adm.stepEnded('w3')).toEqual([]);
    expect(adm.release('late')).toEqual(['w4']);
    // Finishing without waking (the account was refused: the run stops) frees the slot and wakes nobody.
    expect(adm.finish('w1', attempt('w1-0'), 0, false)).toEqual([]);
    expect(adm.inflightCount).toBe(0);
  });

  it('daemon: the window counts everything spent in the last 24 hours, then frees it; it never latches', () => {
    const adm = new Admission({ concurrency: 4, maxCostUsd: 1.0, windowMs: DAY_MS });
    const state = stateWith({
      a: [{ state: 'succeeded', costUsd: 0.5, createdAt: iso(T0 - 2 * 3_600_000) }],
      b: [{ state: 'succeeded', costUsd: 9, createdAt: iso(T0 - 2 * DAY_MS) }],
    });
    adm.recover(state, new Set(['a', 'b', 'c']), T0);
    expect(adm.status(T0)).toMatchObject({ spentUsd: 0.5, remainingUsd: 0.5, windowHours: 24 });
    const refused = adm.admit('c', 'c-0', 0.6, T0);
    expect(refused).toMatchObject({ ok: false, reason: 'budget' });
    expect(!refused.ok && refused.reason === 'budget' && refused.retryInMs).toBe(22 * 3_600_000 + 1); // when a's spend leaves the window
    expect(adm.exhausted).toBe(false);
    expect(adm.admit('c', 'c-0', 0.6, T0 + 22 * 3_600_000 + 1).ok).toBe(true);
  });

  it('a real run ignores simulated records (nothing real was spent); a simulated run counts them', () => {
    const state = stateWith({ a: [{}] });
    state.videos.a!.simulated = true;
    const real = new Admission({ concurrency: 4, maxCostUsd: 0.5 });
    real.recover(state, new Set(['a']), T0);
    expect(real.inflightCount).toBe(0);
    expect(real.admit('a', 'x', 0.42, T0).ok).toBe(true);
    const sim = new Admission({ concurrency: 4, maxCostUsd: 0.5, simulated: true });
    sim.recover(state, new Set(['a']), T0);
    expect(sim.inflightCount).toBe(1);
  });
});

describe('recordedBudget (status)', () => {
  it("reads the daemon's cap from the state and what the window leaves", () => {
    const state = stateWith({ a: [{ state: 'succeeded', costUsd: 0.42 }], b: [{}] }, { budget: { maxCostUsd: 2, windowHours: 24, setAt: iso(T0) } });
    expect(recordedBudget(state, T0 + 3_600_000)).toEqual({ maxCostUsd: 2, windowHours: 24, spentUsd: 0.42, reservedUsd: 0.42, remainingUsd: 1.16 });
    expect(recordedBudget(state, T0 + DAY_MS + 1)).toMatchObject({ spentUsd: 0, reservedUsd: 0, remainingUsd: 2 });
    expect(recordedBudget({ ...state, budget: undefined } as StateFile, T0)).toBeUndefined();
  });
});
