// The pure planner: (desired videos, state, options) → Plan. No I/O: output checks come in as a function.
import { usd } from '../text/usd.js';
import { matchesSelector } from '../manifest/selector.js';
import { numberResultsOf, outputBasePath, outputFilePaths, withDefaults } from '../manifest/defaults.js';
import type { LoadedVideo } from '../manifest/model.js';
import { estimateCostUsd, roundUsd } from '../pricing/prices.js';
import { ConditionType } from '../state/conditions.js';
import type { StateFile, VideoState } from '../state/model.js';
import { derivePhase, IN_FLIGHT_PHASES as IN_FLIGHT } from '../state/phase.js';
import { ACTIONS, type Change, type Plan, type PlanSummary } from './model.js';
import { requestDigest, specHash } from '../manifest/spec-hash.js';

export type OutputStatus = 'ok' | 'missing' | 'modified';

export interface PlanOptions {
  prune?: boolean;
  selector?: Record<string, string>;
  /** Checks a recorded output on disk (path relative to --out). Default: assume ok. */
  outputStatus?: (path: string, expected: { sha256: string; bytes: number }) => OutputStatus;
  /** Planning a --simulate run. Otherwise a simulated record is no render at all: its video plans `create`. */
  simulated?: boolean;
}

export function createPlan(videos: LoadedVideo[], state: StateFile | null, opts: PlanOptions = {}): Plan {
  const selector = opts.selector ?? {};
  const changes: Change[] = [];
  const desired = new Set<string>();
  for (const v of videos) {
    desired.add(v.name);
    if (!matchesSelector(v.labels, selector)) continue;
    const s = state?.videos[v.name];
    if (s?.simulated && !opts.simulated) changes.push(planVideo(v, undefined, opts, 'only simulated so far'));
    else changes.push(planVideo(v, s, opts));
  }
  for (const s of Object.values(state?.videos ?? {})) {
    if (desired.has(s.name) || !matchesSelector(s.labels, selector)) continue;
    changes.push(
      opts.prune
        ? {
            name: s.name,
            action: 'delete',
            reason: 'manifest removed: outputs will be archived under .archive/ and the state entry dropped',
            estimatedCostUsd: 0,
            outputPath: s.outputPath,
          }
        : {
            name: s.name,
            action: 'noop',
            reason: 'manifest removed: outputs kept (use --prune to archive them)',
            estimatedCostUsd: 0,
            outputPath: s.outputPath,
          },
    );
  }
  changes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { changes, summary: summarize(changes) };
}

function planVideo(v: LoadedVideo, s: VideoState | undefined, opts: PlanOptions, newReason = 'new video'): Change {
  const hash = specHash(v);
  const outputPath = outputBasePath(v);
  const base = { name: v.name, specHash: hash, outputPath, labels: v.labels };
  const cost = () => estimateCostUsd(withDefaults(v.request));
  if (v.suspend) return change(base, 'suspended', 'spec.suspend is true: left alone', 0);
  if (!s) return change(base, 'create', newReason, cost());
  // Decided from the record's facts (its attempts, results, outputs), never from the phase it stored.
  const phase = derivePhase(s, { suspend: v.suspend });
  if (s.specHash !== hash) {
    const fields = changedFields(s, v);
    const what =
      s.regenerate !== v.regenerate && fields.length === 0
        ? `regenerate ${s.regenerate} → ${v.regenerate}`
        : fields.length
          ? `${fields.join(', ')} changed`
          : 'spec changed';
    const during = IN_FLIGHT.has(phase) ? ' (after the render in progress finishes)' : '';
    const action = s.outputs.length > 0 || IN_FLIGHT.has(phase) ? 'replace' : 'create';
    return also(change(base, action, what + during, cost()), 'changedFields', fields);
  }
  if (phase === 'Failed')
    return also(
      change(base, 'noop', `failed: ${s.message ?? 'see reelctl describe ' + v.name}`, 0),
      'attention',
      `fix the cause, then bump spec.regenerate to render again (costs ${usd(cost())}); \`reelctl describe ${v.name}\` shows the events`,
    );
  // The reconciler records a failed step as a fact (condition StepFailing, removed when a step succeeds):
  // the last tries failed (apply gives a video up for the run after a few) and the cause needs a person.
  const failing = s.conditions.find((c) => c.type === ConditionType.StepFailing && c.status === 'True');
  if (phase === 'Downloading') {
    // Paid for and finished: apply downloads it. A failing download's cause is local (disk, permissions, network).
    if (!failing) return change(base, 'download', 'render finished; download pending', 0);
    return also(
      change(base, 'download', `download stuck: ${s.message ?? failing.message}`, 0),
      'attention',
      'fix the cause above, then run apply again: the render is paid for and will not be charged again',
    );
  }
  if (IN_FLIGHT.has(phase)) {
    const why = failing ? (s.message ?? failing.message) : s.message;
    const c = change(base, 'noop', `render in progress (${phase})${why ? `: ${why}` : ''}`, 0);
    return failing ? also(c, 'attention', 'the last step failed: fix the cause above, then run apply again (nothing is paid twice)') : c;
  }
  const live = s.attempts.findLast((a) => a.specHash === hash && (a.state === 'intent' || a.state === 'accepted' || a.state === 'succeeded'));
  if (s.outputs.length === 0 && !live) return change(base, 'create', 'not rendered yet', cost());
  const delivered = s.attempts.some((a) => a.specHash === hash && a.state === 'succeeded' && !!a.results?.length && a.results.every((r) => !r.videoURL));
  if (s.outputs.length === 0 && delivered && phase === 'Ready') return change(base, 'noop', 'delivered to uploadEndpoint (no local file)', 0);
  // An intent or accepted task is already paid for (or about to be): apply re-sends the same UUID or polls it.
  if (s.outputs.length === 0 && live!.state !== 'succeeded')
    return change(
      base,
      'noop',
      `render in progress (task ${live!.taskUUID} ${live!.state === 'intent' ? 'being submitted' : 'submitted'})${s.message ? `: ${s.message}` : ''}`,
      0,
    );
  if (s.outputs.length === 0) return change(base, 'download', 'render finished; download pending', 0);
  if (s.outputPath !== outputPath)
    return {
      name: base.name,
      specHash: base.specHash,
      outputPath: base.outputPath,
      labels: base.labels,
      action: 'move',
      reason: `output.path changed: ${s.outputPath} → ${outputPath}`,
      fromPath: s.outputPath,
      estimatedCostUsd: 0,
    };
  const want = outputFilePaths(outputPath, numberResultsOf(v.request)).length;
  const drift = s.outputs.map((o) => ({ o, st: opts.outputStatus?.(o.path, o) ?? 'ok' })).filter((x) => x.st !== 'ok');
  // The run that saw this drift found no URL to fetch it again: apply cannot fix it, a person must.
  const lost = s.conditions.find((c) => c.type === ConditionType.Drifted && c.status === 'True');
  if (drift.length > 0 && lost)
    return also(
      change(base, 'noop', `drifted: ${lost.message}`, 0),
      'attention',
      `put the file back as recorded (sha256 in its sidecar), or bump spec.regenerate to render again (costs ${usd(cost())})`,
    );
  if (drift.length > 0) return change(base, 'download', `output ${drift.map((d) => `${d.o.path} ${d.st}`).join(', ')}: re-download while the URL lives`, 0);
  if (s.outputs.length < want) return change(base, 'download', `${want - s.outputs.length} of ${want} outputs not downloaded yet`, 0);
  return change(base, 'noop', 'up to date', 0);
}

type Base = Pick<Change, 'name' | 'specHash' | 'outputPath' | 'labels'>;

// A change is built as one object literal, then its optional fields are assigned in the order the JSON plan
// shows them. Spread (`{ ...base, action, … }`) gave every one of 50,000 changes a map of its own (a hidden
// class and its descriptors, ~300 bytes each: issue 19 item 3, plan peak memory); a literal shares one.
function change(b: Base, action: Change['action'], reason: string, estimatedCostUsd: number): Change {
  return { name: b.name, specHash: b.specHash, outputPath: b.outputPath, labels: b.labels, action, reason, estimatedCostUsd };
}

function also<K extends 'attention' | 'changedFields'>(c: Change, key: K, value: NonNullable<Change[K]>): Change {
  c[key] = value;
  return c;
}

function changedFields(s: VideoState, v: LoadedVideo): string[] {
  if (!s.request) return [];
  const now = requestDigest(v);
  const keys = new Set([...Object.keys(s.request), ...Object.keys(now)]);
  return [...keys].filter((k) => JSON.stringify(s.request![k]) !== JSON.stringify(now[k])).sort();
}

function summarize(changes: Change[]): PlanSummary {
  const summary = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as unknown as PlanSummary;
  summary.attention = 0;
  let cost = 0;
  for (const c of changes) {
    summary[c.action]++;
    if (c.attention) summary.attention++;
    cost += c.estimatedCostUsd;
  }
  summary.estimatedCostUsd = roundUsd(cost);
  return summary;
}
