// Group commit for the state file: steps mark the state dirty and `flush()` when a fact must be durable
// before the next side effect (the intent before a submit). Concurrent flushes share one write, so the
// number of writes follows the rate of durable facts, not the number of events.
import type { StateFile, StateStore } from '../state/model.js';

export class StateWriter {
  private writing: Promise<void> | undefined;
  private dirty = false;
  writes = 0;

  constructor(
    private readonly store: StateStore,
    readonly state: StateFile,
  ) {}

  markDirty(): void {
    this.dirty = true;
  }

  /** Resolves once every change made before the call is on disk. */
  async flush(): Promise<void> {
    this.dirty = true;
    while (this.dirty) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      this.dirty = false;
      this.writing = this.store.write(this.state).then((w) => {
        this.state.serial = w.serial;
        this.writes++;
      });
      try {
        await this.writing;
      } finally {
        this.writing = undefined;
      }
    }
  }

  /** Flush only when something changed (periodic / shutdown). */
  async flushIfDirty(): Promise<void> {
    if (this.dirty || this.writing) await this.flush();
  }
}
