import { spawnSync } from 'node:child_process';

/**
 * Writes out every dirty page before a timed run (sync(1)), so that no run pays for the one before it: the
 * batched script leaves its files to the kernel's writeback, and the next run's first fsyncs (reelctl's)
 * waited for those pages — the pair where reelctl ran right after the script was the slowest. Best effort:
 * without a `sync` command nothing is flushed.
 */
export function flushDisk(): void {
  spawnSync('sync', { stdio: 'ignore' });
}
