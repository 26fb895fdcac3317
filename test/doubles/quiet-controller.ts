// A controller on a fake clock and an in-memory store that reaches no provider or disk unless a test gives
// it one: for tests of what drivers see of the controller, not of reconciling.
import { FakeClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import type { Controller } from '../../src/reconcile/controller-api.js';
import { createController, type ControllerOptions } from '../../src/reconcile/controller.js';
import type { StateFile } from '../../src/state/model.js';
import { emptyState } from '../../src/state/transitions.js';
import { MemoryStateStore } from './memory-store.js';

export function quietController(state: StateFile = emptyState('l'), over: Partial<ControllerOptions> = {}): Controller {
  return createController({
    store: new MemoryStateStore(),
    state,
    client: {} as never,
    artifacts: {} as never,
    clock: new FakeClock(),
    logger: silentLogger(),
    concurrency: 1,
    supersede: 'wait',
    resolveRequest: async (v) => v.request,
    manifestCommit: async () => undefined,
    random: () => 0.5,
    retryDelayMs: 1000,
    pollDelayMs: () => 1000,
    ...over,
  });
}
