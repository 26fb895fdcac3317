// A dry run that was not dry is caught. `X-Runware-Dry-Run: 1` is unconfirmed (runware-protocol.md): an
// API that ignores it starts — and bills — every render of the "dry run". So after the dry-run answer,
// getResponse is asked about every UUID that was sent: "not found" proves nothing started; a task that is
// found was started, and is adopted into the state (adoptStarted) so that the next apply polls and
// downloads it instead of paying again.
import { ProviderError } from '../errors.js';
import type { LoadedVideo } from '../manifest/model.js';
import { outputBasePath } from '../manifest/defaults.js';
import { isNotFoundCode } from '../provider/runware/items.js';
import type { PollOutcome, Provider } from '../provider/types.js';
import { ConditionType, Reason } from '../state/conditions.js';
import type { StateFile } from '../state/model.js';
import { iso, newVideoState, setCondition, setPhase } from '../state/transitions.js';
import { specHash } from '../manifest/spec-hash.js';

export interface StartedRender {
  name: string;
  taskUUID: string;
  /** The API's quote when it gave one, else the estimate. */
  costUsd: number;
  /** It started and already failed (nothing to adopt: a failed render is not charged). */
  failed?: boolean;
}

export interface DryRunProof {
  started: StartedRender[];
  /** Names for which getResponse could not say (no answer, network down): not proven either way. */
  unconfirmed: string[];
}

interface Sent {
  name: string;
  taskUUID: string;
  costUsd: number;
}

/** getResponse for every UUID sent: in batches, a task without an answer asked again alone. */
export async function proveNothingStarted(
  sent: Sent[],
  provider: Provider,
  o: { batchSize?: number; attempts?: number; signal?: AbortSignal; sleep: (ms: number, s?: AbortSignal) => Promise<void> },
): Promise<DryRunProof> {
  const found = new Map<string, PollOutcome>();
  const ask = async (uuids: string[]): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        for (const x of await provider.poll(uuids, o.signal ? { signal: o.signal } : {})) found.set(x.taskUUID, x);
        return;
      } catch (err) {
        if (!(err instanceof ProviderError)) throw err;
        if (err.code === 'poll.batch-refused') return void (await Promise.all(uuids.map((u) => ask([u]))));
        if (err.kind === 'terminal' || attempt >= (o.attempts ?? 3)) return;
        await o.sleep(Math.max(err.retryAfterMs ?? 0, 500 * 2 ** (attempt - 1)), o.signal);
      }
    }
  };
  const size = o.batchSize ?? 25;
  for (let i = 0; i < sent.length; i += size) await ask(sent.slice(i, i + size).map((s) => s.taskUUID));
  for (const s of sent) if (sent.length > 1 && noAnswer(found.get(s.taskUUID))) await ask([s.taskUUID]);

  const proof: DryRunProof = { started: [], unconfirmed: [] };
  for (const s of sent) {
    const x = found.get(s.taskUUID);
    if (noAnswer(x)) proof.unconfirmed.push(s.name);
    else if (x!.status === 'unknown' && isNotFoundCode(x!.error?.code))
      continue; // nothing started
    else proof.started.push({ ...s, ...(x!.status === 'failed' ? { failed: true } : {}) });
  }
  return proof;
}

const noAnswer = (x: PollOutcome | undefined) => !x || (x.status === 'unknown' && (!x.error || x.error.code === 'no-answer'));

/**
 * Records started renders as accepted attempts of their videos (the caller holds the state lock), so the
 * next apply polls them — `conflictTaskUUID` would also confirm them if it sent them again — and never
 * mints a new UUID for them. Failed ones are not adopted. Returns the number adopted.
 */
export function adoptStarted(state: StateFile, started: StartedRender[], videos: LoadedVideo[], now: number): number {
  const byName = new Map(videos.map((v) => [v.name, v]));
  let n = 0;
  for (const s of started) {
    const desired = byName.get(s.name);
    if (!desired || s.failed) continue;
    const hash = specHash(desired);
    const v = (state.videos[s.name] ??= newVideoState(
      { name: s.name, specHash: hash, regenerate: desired.regenerate, outputPath: outputBasePath(desired) },
      now,
    ));
    if (v.attempts.some((a) => a.taskUUID === s.taskUUID)) continue;
    v.attempts.push({ taskUUID: s.taskUUID, specHash: hash, createdAt: iso(now), state: 'accepted', sends: 1, reservedUsd: s.costUsd });
    const why = `plan --verify-remote's dry run started task ${s.taskUUID} (the API ignored X-Runware-Dry-Run); apply adopts it instead of paying again`;
    setCondition(v, ConditionType.DryRunStarted, 'True', Reason.DryRunNotDry, why, now);
    if (v.specHash === hash) setPhase(v, 'Submitted', now, why);
    n++;
  }
  return n;
}
