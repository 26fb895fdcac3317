// `reelctl status` rendered: the kubectl-style table (`-o wide` adds columns), the contract JSON, or YAML.
import { matchesSelector } from '../../manifest/selector.js';
import { printable, scrubDeep } from '../../text/secrets.js';
import { escapeControls, mapStrings, toSafeJson } from '../../text/escape.js';
import { recordedBudget } from '../../reconcile/budget.js';
import { videoCostSource } from '../../state/costs.js';
import type { StateFile, VideoState } from '../../state/model.js';
import { derivePhase } from '../../state/phase.js';
import { DEFAULT_STATE, SIMULATED_STATE } from '../context.js';
import { makeStyle } from '../style.js';
import { usd, usdOf } from '../../text/usd.js';
import type { Out } from './view.js';

/** What `status` (and `apply --json`) computed: the state read once, the selector, the time, where it lives. */
export interface StatusResult {
  state: StateFile | null;
  selector: Record<string, string>;
  now: number;
  /** The --state given: the human view names it when there is no state yet. */
  statePath: string;
}

export interface StatusView {
  render(r: StatusResult): void | Promise<void>;
}

export const STATUS_FORMATS = ['json', 'yaml', 'wide'] as const;
export type StatusFormat = (typeof STATUS_FORMATS)[number] | 'human';

const noState = (r: StatusResult) => !r.state || Object.keys(r.state.videos).length === 0;
const noStateLine = (r: StatusResult) =>
  `No state yet at ${printable(r.statePath)} (run reelctl apply${r.statePath === DEFAULT_STATE ? `; a --simulate run keeps its own: --state ${SIMULATED_STATE}` : ''}).\n`;

export const STATUS_VIEWS: Record<StatusFormat, (out: Out) => StatusView> = {
  human: (out) => ({ render: (r) => void out.write(noState(r) ? noStateLine(r) : statusTable(r.state, r.selector, r.now, out)) }),
  wide: (out) => ({ render: (r) => void out.write(noState(r) ? noStateLine(r) : statusWide(r.state, r.selector, r.now, out)) }),
  json: (out) => ({ render: (r) => void out.write(toSafeJson(statusJson(r.state, r.selector, r.now)) + '\n') }),
  // Every string escaped first: the yaml writer leaves C1 controls and bidi marks raw.
  yaml: (out) => ({
    render: async (r) => void out.write((await import('yaml')).stringify(mapStrings(statusJson(r.state, r.selector, r.now), escapeControls))),
  }),
};

/** The contract JSON; secrets redacted (a state written before a fix may hold an echoed key). */
export function statusJson(state: StateFile | null, selector: Record<string, string>, now = Date.now()): object {
  const budget = recordedBudget(state, now);
  return scrubDeep({
    version: 1,
    ...(budget ? { budget } : {}),
    videos: selected(state, selector).map((v) => ({
      name: v.name,
      phase: derivePhase(v),
      specHash: v.specHash,
      taskUUID: v.attempts.at(-1)?.taskUUID ?? null,
      outputs: v.outputs.map((o) => ({ path: o.path, sha256: o.sha256, bytes: o.bytes })),
      costUsd: v.costUsd,
      // Whether the API reported every part of costUsd ('api') or some of it is reelctl's estimate; null: nothing settled.
      costSource: videoCostSource(v) ?? null,
      message: v.message ?? '',
      ...(v.simulated ? { simulated: true } : {}), // a --simulate placeholder, not a paid render
    })),
  });
}

function selected(state: StateFile | null, selector: Record<string, string>): VideoState[] {
  return Object.values(state?.videos ?? {})
    .filter((v) => matchesSelector(v.labels, selector))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

function age(fromIso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export function statusTable(state: StateFile | null, selector: Record<string, string>, now: number, stream: { isTTY?: boolean } = process.stdout): string {
  const style = makeStyle(stream);
  const rows = selected(state, selector).map((v) => [
    v.name,
    derivePhase(v),
    age(v.history.at(-1)?.at ?? v.updatedAt, now),
    usd(v.costUsd),
    v.outputs.length === 0 ? '-' : printable(v.outputs[0]!.path) + (v.outputs.length > 1 ? ` (+${v.outputs.length - 1})` : ''),
    printable(v.simulated ? `simulated (not a real render)${v.message ? `: ${v.message}` : ''}` : (v.message ?? '')),
  ]);
  const header = ['NAME', 'PHASE', 'AGE', 'COST', 'OUTPUT', 'MESSAGE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  const paint = (phase: string, line: string) =>
    phase === 'Ready' ? line : phase === 'Failed' ? style.red(line) : phase === 'Suspended' ? style.dim(line) : style.yellow(line);
  return [fmt(header), ...rows.map((r) => paint(r[1]!, fmt(r)))].join('\n') + '\n' + budgetLine(state, now);
}

/** The daemon's --max-cost as recorded in the state: what is left in its rolling window. */
function budgetLine(state: StateFile | null, now: number): string {
  const b = recordedBudget(state, now);
  if (!b) return '';
  const pending = b.reservedUsd > 0 ? ` + ${usd(b.reservedUsd)} reserved for renders in flight` : '';
  return `\nBudget: ${usd(b.remainingUsd)} left of ${usd(b.maxCostUsd)} per ${b.windowHours} h (${usd(b.spentUsd)} spent${pending} in the last ${b.windowHours} h)\n`;
}

/** `-o wide`: the table plus the spec hash, task, labels and output count (kubectl's wide). */
function statusWide(state: StateFile | null, selector: Record<string, string>, now: number, stream: { isTTY?: boolean } = process.stdout): string {
  const style = makeStyle(stream);
  const rows = selected(state, selector).map((v) =>
    [
      v.name,
      derivePhase(v),
      age(v.history.at(-1)?.at ?? v.updatedAt, now),
      usdOf(v.costUsd, videoCostSource(v)),
      v.specHash.slice(0, 19),
      v.attempts.at(-1)?.taskUUID ?? '-',
      String(v.outputs.length),
      Object.entries(v.labels ?? {})
        .map(([k, x]) => `${k}=${x}`)
        .join(',') || '-',
      v.outputs.length === 0 ? '-' : v.outputs.map((o) => o.path).join(','),
      v.message ?? '',
    ].map(printable),
  );
  const header = ['NAME', 'PHASE', 'AGE', 'COST', 'SPEC', 'TASK', 'FILES', 'LABELS', 'OUTPUTS', 'MESSAGE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('   ')
      .trimEnd();
  return [fmt(header), ...rows.map((r) => (r[1] === 'Failed' ? style.red(fmt(r)) : fmt(r)))].join('\n') + '\n';
}
