// `reelctl describe` rendered: for people, sections like kubectl's with events one readable line each; with
// -o json, the same as one object for scripts.
import { printable, scrubDeep } from '../../text/secrets.js';
import { costSourceOf, videoCostSource } from '../../state/costs.js';
import type { VideoState } from '../../state/model.js';
import { derivePhase } from '../../state/phase.js';
import { toSafeJson } from '../../text/escape.js';
import { usd, usdOf } from '../../text/usd.js';
import type { Out } from './view.js';

export interface Described {
  name: string;
  manifest: { file: string; line: number; labels: Record<string, string>; specHash: string; suspend: boolean } | null;
  state: VideoState | null;
  events: Record<string, unknown>[];
  sidecar: { file: string; content: unknown } | null;
}

/** One event as a line: `AT  TYPE  what happened`. */
function eventLine(e: Record<string, unknown>): string {
  const at = String(e.at ?? '');
  const what = (() => {
    switch (e.type) {
      case 'phase':
        // The log keeps every event; a "change" to the same phase is only a new message.
        return `${e.from === e.to ? String(e.to) : `${String(e.from ?? 'new')} → ${String(e.to)}`}${e.message ? `: ${String(e.message)}` : ''}`;
      case 'submitted':
        return `task ${String(e.taskUUID)}, estimated ${usd(Number(e.estimatedCostUsd) || 0)}`;
      case 'ready':
        return `${(e.outputs as string[] | undefined)?.join(', ') ?? ''} (${usd(Number(e.costUsd) || 0)})`;
      case 'failed':
        return `${String(e.reason)}: ${String(e.message)}`;
      case 'retry': // the work queue's schedule: `retry  3 of download in 4 s: socket reset`
        return `${Number(e.failures)} of ${String(e.what)} in ${duration(Number(e.retryInMs))}: ${String(e.error)}`;
      case 'gave-up':
        return `after ${Number(e.failures)} failures of ${String(e.what)}: ${String(e.error)}`;
      default:
        return JSON.stringify(e);
    }
  })();
  return `${at}  ${String(e.type).padEnd(9)}  ${what}`;
}

/** A delay as people say it: 250 ms, 4 s, 1.5 s, 5 min. */
function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

function describeText(d: Described): string {
  const { manifest: m, state: v } = d;
  const out: string[] = [`Name:        ${d.name}`];
  if (m)
    out.push(
      `Manifest:    ${m.file}:${m.line}`,
      `Labels:      ${
        Object.entries(m.labels)
          .map(([k, x]) => `${k}=${x}`)
          .join(', ') || '<none>'
      }`,
      `Desired:     ${m.specHash}${m.suspend ? ' (suspended)' : ''}`,
    );
  else out.push('Manifest:    <removed>');
  if (!v) return out.concat('Phase:       <not in state: plan will create>').join('\n') + '\n';
  const phase = derivePhase(v, m ? { suspend: m.suspend } : {});
  out.push(
    `Phase:       ${phase}${v.message ? ` — ${v.message}` : ''}${phase !== v.phase ? `  (the state file says ${v.phase})` : ''}`,
    `Recorded:    ${v.specHash}${m && m.specHash !== v.specHash ? '  (differs from desired: plan will replace)' : ''}`,
    `Cost:        ${usdOf(v.costUsd, videoCostSource(v))}`,
    'Outputs:',
  );
  for (const o of v.outputs) out.push(`  ${o.path}  ${o.bytes} bytes  sha256:${o.sha256.slice(0, 16)}…  task ${o.taskUUID}`);
  if (v.outputs.length === 0) out.push('  <none>');
  out.push('Conditions:');
  for (const c of v.conditions) out.push(`  ${c.type}=${c.status}  ${c.reason}: ${c.message}  (${c.lastTransitionTime})`);
  out.push('Attempts:');
  for (const a of v.attempts)
    out.push(
      `  ${a.taskUUID}  ${a.state}  sent ${a.sends}×  ${a.costUsd !== undefined ? usdOf(a.costUsd, costSourceOf(a)) : `reserved ${usd(a.reservedUsd)}`}${a.error ? `  ${a.error.code}: ${a.error.message}` : ''}`,
    );
  out.push('History:');
  for (const h of v.history) out.push(`  ${h.at}  ${h.phase}${h.message ? `  ${h.message}` : ''}`);
  out.push('Events:', ...(d.events.length ? d.events.map((e) => `  ${eventLine(e)}`) : ['  <none>']));
  if (d.sidecar) {
    out.push(`Sidecar:     ${d.sidecar.content === null ? '<missing>' : d.sidecar.file}`);
    if (d.sidecar.content !== null)
      out.push(
        ...JSON.stringify(d.sidecar.content, null, 2)
          .split('\n')
          .map((l) => `  ${l}`),
      );
  }
  return out.join('\n') + '\n';
}

export interface DescribeView {
  render(d: Described): void;
}

export const DESCRIBE_FORMATS = ['text', 'json'] as const;

// Every line carries manifest or API text (paths, labels, messages, events): secrets redacted and control
// characters escaped here, at the edge.
export const DESCRIBE_VIEWS: Record<(typeof DESCRIBE_FORMATS)[number], (out: Out) => DescribeView> = {
  text: (out) => ({ render: (d) => void out.write(describeText(d).split('\n').map(printable).join('\n')) }),
  json: (out) => ({ render: (d) => void out.write(toSafeJson(scrubDeep(d), 2) + '\n') }),
};
