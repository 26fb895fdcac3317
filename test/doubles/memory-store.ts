// In-memory StateStore with the same contract as the file store. It stores the encoded text, so a read
// returns a fresh copy, exactly as a real reload would. A test double: it lives under test/, never in dist/.
import { StateError } from '../../src/errors.js';
import { decodeState, encodeState } from '../../src/state/codec.js';
import type { StateFile, StateLock, StateStore, WriteOptions } from '../../src/state/model.js';
import { factProblems } from './facts-check.js';

export class MemoryStateStore implements StateStore {
  text: string | undefined;
  writes = 0;
  private locked = false;

  async read(): Promise<StateFile | null> {
    return this.text === undefined ? null : decodeState(this.text, 'memory');
  }

  async write(next: StateFile, opts: WriteOptions = {}): Promise<StateFile> {
    const prev = this.text === undefined ? undefined : decodeState(this.text, 'memory');
    if (prev && prev.lineage !== next.lineage) throw new StateError('refusing to write state of another lineage', { code: 'state.lineage' });
    const problems = factProblems(next);
    if (problems.length) throw new Error(`the state written breaks the facts contract: ${problems.join('; ')}`);
    const written = { ...next, serial: Math.max(prev?.serial ?? 0, next.serial) + 1 };
    this.text = opts.encode ? [...opts.encode(written)].join('') : encodeState(written);
    this.writes++;
    return written;
  }

  async lock(): Promise<StateLock> {
    if (this.locked) throw new StateError('state is locked by this process', { code: 'state.locked' });
    this.locked = true;
    return { holder: { pid: process.pid, host: 'memory', since: new Date().toISOString() }, release: async () => void (this.locked = false) };
  }
}
