// Progress as log lines (pipes, CI, `--log-format json`): one line per thing that happened, money rounded.
import type { Logger } from '../log.js';
import { roundUsd } from '../pricing/prices.js';
import type { Controller } from '../reconcile/controller-api.js';
import { usd } from '../text/usd.js';

export function attachLog(controller: Controller, log: Logger): () => void {
  // One line per thing that happened: a phase change that a richer event repeats (Submitted, Ready, a
  // render failure) is logged once, by that event; a "change" to the same phase is only a new message.
  const pendingFailed = new Map<string, Record<string, unknown>>();
  return controller.on((e) => {
    switch (e.type) {
      case 'phase':
        if (e.from === e.to) {
          if (e.message) log.debug({ video: e.name, phase: e.to, message: e.message }, `${e.name}: ${e.message}`);
          break;
        }
        if (e.to === 'Submitted' || e.to === 'Ready') break; // the 'submitted' / 'ready' event says it, with more
        if (e.to === 'Failed') {
          // A render failure emits its 'failed' event (with the API's reason code) right after: wait one
          // microtask, and log the two as one line.
          const entry = { video: e.name, from: e.from ?? null, to: e.to, ...(e.message ? { message: e.message } : {}) } as Record<string, unknown>;
          pendingFailed.set(e.name, entry);
          queueMicrotask(() => {
            if (pendingFailed.get(e.name) !== entry) return;
            pendingFailed.delete(e.name);
            log.error(entry, `${e.name}: failed${e.message ? `: ${e.message}` : ''}`);
          });
          break;
        }
        log.info({ video: e.name, from: e.from ?? null, to: e.to, ...(e.message ? { message: e.message } : {}) }, `${e.name}: ${e.from ?? 'new'} → ${e.to}`);
        break;
      case 'submitted':
        log.info(
          { video: e.name, taskUUID: e.taskUUID, estimatedCostUsd: roundUsd(e.estimatedCostUsd) },
          `${e.name}: submitted (estimated ${usd(e.estimatedCostUsd)})`,
        );
        break;
      case 'ready':
        log.info({ video: e.name, outputs: e.outputs, costUsd: roundUsd(e.costUsd) }, `${e.name}: ready (${usd(e.costUsd)})`);
        break;
      case 'failed': {
        const phase = pendingFailed.get(e.name);
        pendingFailed.delete(e.name);
        log.error(
          { video: e.name, ...(phase ?? {}), reason: e.reason, ...(phase?.message ? {} : { message: e.message }) },
          `${e.name}: failed: ${String(phase?.message ?? e.message)}`,
        );
        break;
      }
      case 'budget-exhausted':
        log.warn(
          { spentUsd: roundUsd(e.spentUsd), maxCostUsd: e.maxCostUsd },
          `budget exhausted: ${usd(e.spentUsd)} of ${usd(e.maxCostUsd)} spent; no new submissions`,
        );
        break;
    }
  });
}
