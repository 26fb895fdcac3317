// What `reelctl run` prints as output (its log lines are pino's, progress.ts's): the address it serves on,
// on stdout, one machine-readable line for scripts (with --listen …:0 the port is only known here).
import { formatAddress, type ListenAddress } from '../../daemon/options.js';
import type { Out } from './view.js';

export interface RunView {
  listening(address: ListenAddress): void;
}

export function runView(out: Out): RunView {
  return { listening: (a) => void out.write(`listening on ${formatAddress(a)}\n`) };
}
