// The drivers (`apply`, `run`, the daemon, webhooks) see the controller only through its interface
// (controller-api.ts): createController returns exactly the Controller members — no run state, no writer,
// no queue to reach into. The import test (test/packaging/imports.test.ts) checks the same from the source side.
import { describe, expect, it } from 'vitest';
import type { Controller } from '../../src/reconcile/controller-api.js';
import { emptyState, newVideoState } from '../../src/state/transitions.js';
import { MemoryStateStore } from '../doubles/memory-store.js';
import { quietController } from '../doubles/quiet-controller.js';

/** Every member of Controller: a key missing here fails to compile (the Record must be total). */
const MEMBERS: Record<keyof Controller, true> = {
  setDesired: true,
  resync: true,
  runToCompletion: true,
  start: true,
  stop: true,
  flush: true,
  status: true,
  eachStatus: true,
  attempt: true,
  wake: true,
  isStopping: true,
  queueDepth: true,
  budget: true,
  queueAdds: true,
  onReconcile: true,
  on: true,
  patchDesired: true,
};

describe('the controller seen by its drivers', () => {
  it('createController returns the Controller interface and nothing else (no runState, writer or queue)', async () => {
    const store = new MemoryStateStore();
    const c = quietController(emptyState('l'), { store });
    expect(Object.keys(c).sort()).toEqual(Object.keys(MEMBERS).sort());
    expect('runState' in c).toBe(false);
    // flush() is how a driver persists a change it made (apply --prune): the state reaches the store.
    await c.flush();
    expect(store.writes).toBe(1);
    expect(c.isStopping()).toBe(false);
    await c.stop();
    expect(c.isStopping()).toBe(true);
  });

  it("status() reports the phase from the record's facts, not the one it stored (the metrics' phase gauge reads it)", async () => {
    const state = emptyState('l');
    // Stored Ready, but the only attempt is an accepted render the API said is processing: Running.
    state.videos.a = {
      ...newVideoState({ name: 'a', specHash: 'sha256:x', regenerate: 0, outputPath: 'a.mp4' }, 0),
      phase: 'Ready',
      attempts: [{ taskUUID: 't', specHash: 'sha256:x', createdAt: '', state: 'accepted', sends: 1, reservedUsd: 0.42, lastPoll: 'processing' }],
    };
    const c = quietController(state);
    expect(c.status().map((x) => [x.name, x.phase])).toEqual([['a', 'Running']]);
    // eachStatus (what /metrics reads, building no list) says the same, with the settled cost.
    const seen: unknown[] = [];
    c.eachStatus!((name, phase, costUsd) => seen.push([name, phase, costUsd]));
    expect(seen).toEqual([['a', 'Running', 0]]);
    await c.stop();
  });
});
