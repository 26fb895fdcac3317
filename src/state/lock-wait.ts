// `--lock-timeout`: take the state lock, and while another holder has it ("state.locked") try again until
// the timeout. 0 (the default) fails at once with the holder's name and since when. Works with any store's
// `lock` (file or PostgreSQL), so the lock implementations stay as they are.
import type { Clock } from '../clock.js';
import { StateError } from '../errors.js';
import type { StateLock, StateStore } from './model.js';

export interface LockWaitOptions {
  timeoutMs: number;
  clock: Clock;
  /** Time between tries (default 500 ms, never past the deadline). */
  retryMs?: number;
  /** Told once, when the first try found the lock held (e.g. "waiting for …"). */
  onWait?: (err: StateError) => void;
  signal?: AbortSignal;
}

export async function lockWithTimeout(store: Pick<StateStore, 'lock'>, command: string | undefined, o: LockWaitOptions): Promise<StateLock> {
  const start = o.clock.elapsed();
  for (let tries = 1; ; tries++) {
    try {
      return await store.lock(command);
    } catch (err) {
      if (!(err instanceof StateError) || err.code !== 'state.locked') throw err;
      const left = o.timeoutMs - (o.clock.elapsed() - start);
      if (left <= 0) {
        if (tries === 1) throw err;
        throw new StateError(`${err.message} (gave up after waiting ${Math.round(o.timeoutMs / 1000)}s, --lock-timeout)`, { code: 'state.locked', cause: err });
      }
      if (tries === 1) o.onWait?.(err);
      await o.clock.sleep(Math.min(o.retryMs ?? 500, left), o.signal);
    }
  }
}
