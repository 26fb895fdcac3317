// Live progress for apply and run: one line per phase change (colour on a TTY, never with NO_COLOR),
// or structured pino lines when logs go to a machine (--log-format json).
import type { Logger } from '../log.js';
import type { Controller } from '../reconcile/controller-api.js';
import { makeStyle, usd } from './style.js';

export function attachProgress(controller: Controller, o: { stream: NodeJS.WritableStream & { isTTY?: boolean }; format: 'text' | 'json'; logger: Logger }): () => void {
  const style = makeStyle(o.stream);
  return controller.on((e) => {
    if (o.format === 'json') return void o.logger.info({ event: e.type, ...e, at: new Date(e.at).toISOString() }, e.type);
    const t = new Date(e.at).toISOString().slice(11, 19);
    switch (e.type) {
      case 'phase': {
        const paint = e.to === 'Ready' ? style.green : e.to === 'Failed' ? style.red : e.to === 'Suspended' ? style.dim : style.yellow;
        return void o.stream.write(`${style.dim(t)} ${e.name.padEnd(32)} ${paint(e.to.padEnd(11))}${e.message ? ' ' + style.dim(e.message) : ''}\n`);
      }
      case 'ready':
        return void o.stream.write(`${style.dim(t)} ${e.name.padEnd(32)} ${style.green('✓')} ${e.outputs.join(', ')} ${style.dim(usd(e.costUsd))}\n`);
      case 'budget-exhausted':
        return void o.stream.write(style.red(`budget reached: ${usd(e.spentUsd)} of ${usd(e.maxCostUsd)} spent; no more submissions\n`));
      default:
        return;
    }
  });
}
