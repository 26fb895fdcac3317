// Live progress for `apply` and `run`. On a terminal: one line per video (phase, elapsed, cost),
// redrawn in place with plain ANSI escapes; colour only on a TTY and never with NO_COLOR.
// Otherwise (pipes, CI, `--log-format json`): the same events as structured pino log lines.
import type { Clock } from '../clock.js';
import { createLogger, printable, type LogFormat, type Logger } from '../log.js';
import type { Controller, ControllerEvent } from '../reconcile/controller-api.js';
import { PHASES, SETTLED_PHASES as TERMINAL, type Phase } from '../state/phase.js';
import { attachLog } from './progress-log.js';
import { colorAllowed } from './style.js';
import { logLevel } from './context.js';

export interface ProgressOptions {
  stream: NodeJS.WritableStream & { columns?: number; rows?: number };
  isTTY: boolean;
  format: LogFormat;
  clock: Clock;
  /** For NO_COLOR and TERM (default process.env; style.ts colorAllowed). */
  env?: Record<string, string | undefined>;
  /** Redraw every N ms on a TTY so elapsed times move; 0 = only on events. Default 1000. */
  tickMs?: number;
  /** Coalesce redraws of event bursts (ms); 0 = redraw at every event. Default 80. */
  throttleMs?: number;
  /** Logger for the non-TTY mode; default a pino logger on `stream`. */
  logger?: Logger;
}

interface Row {
  name: string;
  phase: Phase;
  costUsd: number;
  startedAt: number;
  doneAt?: number;
  message?: string;
}

const ICON: Record<Phase, string> = { Pending: '·', Submitted: '↑', Running: '●', Downloading: '↓', Ready: '✓', Failed: '✗', Suspended: '‖' };
const COLOR: Record<Phase, string> = { Pending: '2', Submitted: '36', Running: '33', Downloading: '36', Ready: '32', Failed: '31', Suspended: '90' };

/** `detach()` stops the view; `print()` writes text (e.g. log lines) above the live block, not through it. */
export type Detach = (() => void) & { print(text: string): void };

/** A log destination that prints above the live block while there is one (`current()`), else on `stream`. */
export function logAboveProgress(current: () => Detach | undefined, stream: NodeJS.WritableStream): NodeJS.WritableStream {
  const write = (s: string) => {
    const progress = current();
    if (progress) progress.print(s);
    else stream.write(s);
    return true;
  };
  return { write } as unknown as NodeJS.WritableStream;
}

/** Shows the controller's progress until the returned `detach()` is called. */
export function attachProgress(controller: Controller, opts: ProgressOptions): Detach {
  if (!opts.isTTY || opts.format === 'json') {
    const off = attachLog(controller, opts.logger ?? createLogger({ format: opts.format, destination: opts.stream, ...logLevel(opts.env ?? process.env) }));
    return Object.assign(off, { print: (text: string) => void opts.stream.write(text) });
  }
  return attachTTY(controller, opts);
}

function attachTTY(controller: Controller, opts: ProgressOptions): Detach {
  const color = colorAllowed(opts.env ?? process.env);
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const rows = new Map<string, Row>();
  let drawn = 0;
  let banner = '';
  let pending: NodeJS.Timeout | undefined;
  let lastDraw = 0;

  const apply = (name: string, patch: Partial<Row>) => {
    const now = opts.clock.now();
    const r = rows.get(name) ?? { name, phase: 'Pending' as Phase, costUsd: 0, startedAt: now };
    Object.assign(r, patch);
    rows.set(name, r);
    return r;
  };
  const sync = () => {
    for (const s of controller.status()) {
      const r = rows.get(s.name) ?? apply(s.name, { startedAt: s.since });
      r.phase = s.phase;
      r.costUsd = s.costUsd;
      if (s.message !== undefined) r.message = s.message;
      if (TERMINAL.has(s.phase)) r.doneAt ??= opts.clock.now();
    }
  };
  const onEvent = (e: ControllerEvent) => {
    const at = e.at;
    if (e.type === 'phase') {
      const r = apply(e.name, { phase: e.to, ...(e.message ? { message: e.message } : {}) });
      if (TERMINAL.has(e.to)) r.doneAt = at;
      else if (r.doneAt !== undefined || e.from === undefined || TERMINAL.has(e.from)) {
        delete r.doneAt;
        r.startedAt = at; // new work (first sight, or a re-render of a finished video)
      }
    } else if (e.type === 'ready') apply(e.name, { costUsd: e.costUsd });
    else if (e.type === 'failed') apply(e.name, { message: e.message });
    else if (e.type === 'budget-exhausted') banner = `budget exhausted: $${e.spentUsd.toFixed(2)} of $${e.maxCostUsd.toFixed(2)} spent, no new submissions`;
    schedule();
  };

  const frame = (): string[] => {
    // Some ptys report 0×0: treat that as unknown rather than as a 0-column terminal.
    const cols = Math.max(40, opts.stream.columns || 100);
    const limit = Math.max(5, (opts.stream.rows || 24) - 3);
    const now = opts.clock.now();
    const all = [...rows.values()];
    const counts = PHASES.map((p) => [p, all.filter((r) => r.phase === p).length] as const).filter(([, n]) => n > 0);
    const spent = all.reduce((s, r) => s + r.costUsd, 0);
    const summary = [`${all.length} video(s)`, ...counts.map(([p, n]) => `${n} ${p}`), `$${spent.toFixed(2)} spent`].join(' · ');
    // Active work first, then failures, then the rest; stable by name within a group.
    const rank = (r: Row) => (!TERMINAL.has(r.phase) ? 0 : r.phase === 'Failed' ? 1 : 2);
    const shown = all.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)).slice(0, limit);
    const width = Math.min(40, Math.max(4, ...shown.map((r) => r.name.length)));
    const lines = [paint('1', fit(`reelctl  ${summary}`, cols))];
    if (banner) lines.push(paint('31', fit(banner, cols)));
    for (const r of shown) {
      const elapsed = formatElapsed((r.doneAt ?? now) - r.startedAt);
      const plain = `${ICON[r.phase]} ${r.name.padEnd(width).slice(0, width)}  ${r.phase.padEnd(11)} ${elapsed.padStart(7)}  $${r.costUsd.toFixed(2)}`;
      const msg = r.message && r.phase === 'Failed' ? `  ${printable(r.message)}` : '';
      const line = fit(plain + msg, cols);
      lines.push(paint(COLOR[r.phase], line.slice(0, plain.length)) + line.slice(plain.length));
    }
    if (all.length > shown.length) lines.push(paint('2', `… and ${all.length - shown.length} more`));
    return lines;
  };

  const draw = () => {
    pending = undefined;
    lastDraw = opts.clock.now();
    sync();
    const lines = frame();
    // Move to the start of our block, rewrite each line, erase whatever the old frame had below.
    let out = drawn > 0 ? `\x1b[${drawn}F` : '';
    for (const l of lines) out += `\x1b[2K${l}\n`;
    out += '\x1b[0J';
    opts.stream.write(out);
    drawn = lines.length;
  };
  const throttle = opts.throttleMs ?? 80;
  const schedule = () => {
    if (throttle <= 0) return draw();
    if (pending) return;
    const wait = Math.max(0, throttle - (opts.clock.now() - lastDraw));
    pending = setTimeout(draw, wait);
  };

  const off = controller.on(onEvent);
  const tickMs = opts.tickMs ?? 1000;
  const tick = tickMs > 0 ? setInterval(draw, tickMs) : undefined;
  tick?.unref();
  draw();
  let detached = false;
  const detach = () => {
    if (detached) return;
    detached = true;
    off();
    if (tick) clearInterval(tick);
    if (pending) clearTimeout(pending);
    draw(); // leave the final state on screen
  };
  const print = (text: string) => {
    if (detached || drawn === 0) return void opts.stream.write(text);
    // Erase the block, print, draw it again below: log lines scroll up, the block stays at the bottom.
    opts.stream.write(`\x1b[${drawn}F\x1b[0J${text}`);
    drawn = 0;
    draw();
  };
  return Object.assign(detach, { print });
}

function fit(s: string, cols: number): string {
  // One terminal line per row, or the cursor arithmetic of the redraw breaks on wrap.
  return s.length < cols ? s : s.slice(0, cols - 2) + '…';
}

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
