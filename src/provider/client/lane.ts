// What every client lane shares: the driver, time, retry policy, shutdown signal and counters.
import type { Clock } from '../../clock.js';
import type { ProviderError } from '../../errors.js';
import type { Provider } from '../types.js';
import type { RetryBudget } from './backoff.js';

export interface LaneDeps {
  provider: Provider;
  clock: Clock;
  random: () => number;
  budget: RetryBudget;
  batchSize: number;
  maxAttempts: number;
  backoff: { baseMs: number; capMs: number };
  signal: AbortSignal;
  /** Counts one API request by outcome. */
  count: (outcome: string) => void;
  onRetry: () => void;
  /** Set once the API refuses the key: every later call fails at once. */
  auth: { error?: ProviderError };
}
