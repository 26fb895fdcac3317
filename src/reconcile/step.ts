// One level-based reconcile step for one video (controller-runtime's Reconcile): look at desired vs
// recorded, move one step, return when to look again. Safe to call any number of times.
import { diskErrorCode, ReelctlError } from '../errors.js';
import { failpoint } from '../failpoints.js';
import { outputBasePath, withDefaults } from '../manifest/defaults.js';
import { rememberSpecHash, requestDigest, specHash } from '../manifest/spec-hash.js';
import type { Attempt } from '../state/model.js';
import { newVideoState } from '../state/transitions.js';
import { currentAttempt, outputsComplete } from '../state/phase.js';
import { phaseOf, syncPhase, transition, type ReconcileDeps, type Step, type StepEnv } from './context.js';
import { downloadOutputs, keepReady } from './outputs.js';
import { discardSimulated, foreignRecord } from './simulated.js';
import { settleStaleIntent } from './intent.js';
import { failRender, pollUnknown, recordResults } from './poll-outcome.js';
import { pollPhase, schedulePoll } from './poll-delay.js';
import { done, failed, requeue, type Result } from './result.js';
import { finishAttempt, send, startRender } from './submit.js';

const LIVE = new Set(['intent', 'accepted']);

export async function reconcileVideo(deps: ReconcileDeps, env: StepEnv, name: string): Promise<Result> {
  // Any step may change this video's record: mark it before and after, so the next save compares it with
  // what is on disk (state/writer.ts writes it only if it really changed).
  env.records.markDirty(name);
  try {
    const r = await reconcileStep(deps, env, name);
    storeDerivedPhase(deps, env, name);
    return r;
  } catch (err) {
    const disk = diskErrorCode(err);
    if (!disk) return failed('reconcile step', err);
    // A full or read-only disk is not fixed by retrying: stop the run with one clear message. Whatever was
    // paid for is already recorded (or was never sent), and the next run picks it up.
    return {
      kind: 'terminal',
      error: new ReelctlError(
        `cannot write to disk: ${disk}${disk === 'ENOSPC' ? ' (disk full)' : ''} — ${(err as Error).message}. Renders already paid for are recorded and will be downloaded by the next run.`,
        { code: `disk.${disk}`, cause: err },
      ),
    };
  } finally {
    env.records.markDirty(name);
  }
}

async function reconcileStep(deps: ReconcileDeps, env: StepEnv, name: string): Promise<Result> {
  const desired = env.desired.get(name);
  if (!desired || env.halted()) return done;
  const now = deps.clock.now();
  const hash = specHash(desired);
  let v = env.records.get(name);
  if (v && foreignRecord(deps, v)) v = void (await discardSimulated(deps, env.records, v));
  if (!v) {
    v = newVideoState(
      { name, specHash: hash, regenerate: desired.regenerate, outputPath: outputBasePath(desired), ...(deps.simulated ? { simulated: true } : {}) },
      now,
    );
    env.records.put(v);
  }
  v.labels = desired.labels;
  if (v.manifest?.file !== desired.source.file || v.manifest.line !== desired.source.line)
    v.manifest = { file: desired.source.file, line: desired.source.line };
  // The record and the loaded video hold the same hash: one string for both (50,000 Ready videos: ~4 MB).
  if (v.specHash === hash) rememberSpecHash(desired, v.specHash);
  const step: Step = { deps, env, name, v, desired };
  const live = v.attempts.find((a) => a.specHash === v.specHash && LIVE.has(a.state));

  if (v.specHash !== hash) {
    // An intent of the old spec is never sent with the new request: ask the API whether it landed first.
    if (live?.state === 'intent') return settleStaleIntent(step, live);
    if (live && deps.supersede === 'wait') return finishFirst(await advance(step, live)); // finish the old render first
    if (live) {
      live.state = 'abandoned';
      deps.client.unwatch?.(live.taskUUID);
      finishAttempt(step, live, live.reservedUsd, 'estimate'); // it was sent: assume it is charged
    }
    if (v.outputs.length > 0) v.previous = { specHash: v.specHash, outputs: v.outputs };
    v.outputs = [];
    v.specHash = hash;
    v.regenerate = desired.regenerate;
    v.request = requestDigest(desired);
    transition(step, 'Pending', 'spec changed');
  } else if (!v.request) v.request = requestDigest(desired);

  if (desired.suspend) {
    if (!live) transition(step, 'Suspended');
    return live ? advance(step, live) : done;
  }
  const current = currentAttempt(v);
  if (current && current.state !== 'failed') return advance(step, current);
  // A known failure waits for regenerate: decided from the facts (a failed render; a paid render's download
  // failed for good, its attempt trimmed away), never from the stored phase, so nothing is paid for twice.
  if (phaseOf(step) === 'Failed') return done;
  return startRender(step);
}

async function advance(step: Step, attempt: Attempt): Promise<Result> {
  const { v } = step;
  if (attempt.state === 'intent') return send(step, attempt);
  if (attempt.state === 'accepted') return pollOnce(step, attempt);
  if (attempt.state === 'succeeded') {
    // Every result with a URL has a verified output of this task (delivered ones have no file): Ready by its facts.
    if (!outputsComplete(v, attempt)) return downloadOutputs(step, attempt);
    return keepReady(step);
  }
  return done;
}

/** Under supersede=wait, the old render's step "done" means: look again now, for the new spec. */
const finishFirst = (r: Result): Result => (r.kind === 'done' ? requeue(0) : r);

async function pollOnce(step: Step, attempt: Attempt): Promise<Result> {
  const { env, deps, v, desired } = step;
  env.admission.hold(step.name);
  failpoint('during-poll');
  let o;
  const askedAt = deps.clock.elapsed();
  try {
    o = await deps.client.poll(attempt.taskUUID, { signal: env.signal });
  } catch (err) {
    if (env.signal.aborted) return done;
    deps.logger.warn({ video: step.name, err: (err as Error).message }, 'poll failed; will retry');
    return requeue(deps.retryDelayMs);
  }
  const count = env.polls.next(step.name);
  const want = withDefaults((v.request ?? desired.request) as typeof desired.request).numberResults ?? 1;
  if (o.status === 'processing' || (o.status === 'success' && o.videos.length < want && attempt.specHash === v.specHash)) {
    if (phaseOf(step) !== 'Running') transition(step, 'Running', undefined, attempt.taskUUID);
    // Between its own backed-off polls, the task rides along in other rounds; finishing wakes it at once.
    deps.client.watch?.(attempt.taskUUID, () => env.wake(step.name));
    const since = pollPhase(env.polls.due(step.name), askedAt, deps.pollDelayMs(count));
    return requeue(schedulePoll(deps, env.polls, step.name, count, since));
  }
  if (o.status === 'success') {
    // The results are recorded at once and saved while their files download: the save (several hundred
    // ms when hundreds of renders finish together) is no longer ahead of every transfer. A crash before it
    // lands leaves the attempt accepted on disk, polled again by the next run, never paid twice; the step
    // ends (and Ready is saved) only after both.
    const saved = recordResults(step, attempt, o.videos, want);
    return downloadOutputs(step, attempt, saved); // every finished render goes through it once (the 'ready' event)
  }
  if (o.status === 'failed') return failRender(step, attempt, o.error);
  // No usable answer (not found, no item, outside the protocol): poll-outcome.ts decides, bounded.
  return pollUnknown(step, attempt, o.error);
}

/**
 * After every step: the stored phase is the one the record's facts give. Steps store it as they change
 * facts (transition, syncPhase); this also corrects a record loaded with a stale phase that the step
 * found nothing to do for (a Ready record stored as Downloading, say).
 */
function storeDerivedPhase(deps: ReconcileDeps, env: StepEnv, name: string): void {
  const v = env.records.get(name);
  const desired = env.desired.get(name);
  if (v && desired) syncPhase({ deps, env, name, v, desired });
}
