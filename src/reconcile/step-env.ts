// The StepEnv a controller gives its steps (context.ts): the records through a narrow interface over the
// state and its writer, the desired set read-only, admission, and the small per-video bookkeeping that
// only steps use (drift checks due, poll counts). The controller keeps everything else to itself.
import type { LoadedVideo } from '../manifest/model.js';
import type { StateFile } from '../state/model.js';
import type { StateWriter } from '../state/writer.js';
import type { Admission } from './admission.js';
import type { Records, StepEnv } from './context.js';
import type { ControllerEvent } from './controller-api.js';

export interface StepEnvParts {
  state: StateFile;
  writer: StateWriter;
  admission: Admission;
  signal: AbortSignal;
  emit(e: ControllerEvent): void;
  desired(): ReadonlyMap<string, LoadedVideo>;
  halted(): boolean;
  wake(name: string): void;
}

export function createStepEnv(p: StepEnvParts): StepEnv {
  const { state, writer } = p;
  const records: Records = {
    get: (name) => (Object.hasOwn(state.videos, name) ? state.videos[name] : undefined),
    put(v) {
      state.videos[v.name] = v;
      writer.markDirty(v.name);
    },
    drop(name) {
      delete state.videos[name];
      writer.markDirty(name);
    },
    markDirty: (name) => writer.markDirty(name),
    flush: (name) => writer.flush(name),
    emit: (e) => p.emit(e),
  };
  const checkDrift = new Set(Object.keys(state.videos)); // at start, every recorded output is checked once
  const pollCounts = new Map<string, number>();
  const pollDue = new Map<string, number>();
  return {
    get desired() {
      return p.desired();
    },
    records,
    admission: p.admission,
    signal: p.signal,
    halted: () => p.halted(),
    wake: (name) => p.wake(name),
    drift: { take: (name) => checkDrift.delete(name), mark: (name) => void checkDrift.add(name) },
    polls: {
      next(name) {
        const n = (pollCounts.get(name) ?? 0) + 1;
        pollCounts.set(name, n);
        return n;
      },
      reset(name) {
        pollCounts.set(name, 0);
        pollDue.delete(name);
      },
      due: (name) => pollDue.get(name),
      setDue: (name, at) => void pollDue.set(name, at),
    },
  };
}
