// Getting finished renders onto disk: verified downloads with provenance sidecars, moves when
// output.path changes, and drift (a file deleted or edited by hand) re-downloaded while its URL lives.
import { ArtifactError, diskErrorCode } from '../errors.js';
import { outputBasePath, outputFilePaths, withDefaults } from '../manifest/defaults.js';
import { compactRequest } from '../manifest/spec-hash.js';
import { ConditionType, Reason } from '../state/conditions.js';
import type { Attempt, OutputRecord } from '../state/model.js';
import { clearCondition, iso, setCondition } from '../state/transitions.js';
import { inspectOutput, sameSeen, seenNow } from '../store/output-check.js';
import { containerFor } from '../store/signature.js';
import { transition, type Step } from './context.js';
import { done, failed, type Result } from './result.js';
import path from 'node:path';

/**
 * Downloads the attempt's results. `resultsSaved` is the save of the results that were just recorded
 * (recordResults): it runs beside the transfers, and the step ends only once it has landed — whatever the
 * downloads did, so a failed or retried download still leaves the results durable.
 */
export async function downloadOutputs(step: Step, attempt: Attempt, resultsSaved?: Promise<void>): Promise<Result> {
  if (!resultsSaved) return downloadAll(step, attempt);
  // Settled into a value at once: a save that fails while the files download is never an unhandled rejection.
  const saved = resultsSaved.then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  let r: Result;
  try {
    r = await downloadAll(step, attempt);
  } catch (err) {
    await saved; // the download's error is the one to report
    throw err;
  }
  const failedSave = await saved;
  if (failedSave) throw failedSave.error;
  return r;
}

async function downloadAll(step: Step, attempt: Attempt): Promise<Result> {
  const { env, deps, v, desired } = step;
  const results = attempt.results ?? [];
  const base = outputBasePath(desired);
  const paths = outputFilePaths(base, results.length);
  transition(step, 'Downloading', undefined, attempt.taskUUID);
  const container = containerFor(withDefaults((v.request ?? desired.request) as typeof desired.request).outputFormat);
  const outputs: OutputRecord[] = [];
  for (const [i, r] of results.entries()) {
    if (!r.videoURL) continue; // delivered to the request's uploadEndpoint: no local file (the state says where)
    const rel = paths[i]!;
    const have = v.outputs.find((o) => o.videoUUID === r.videoUUID && o.path === rel);
    const check = have && (await inspectOutput(deps.artifacts.outDir, have, { verify: !!deps.verifyOutputs, remember: false }));
    if (have && check?.status === 'ok') {
      outputs.push(check.seen ? { ...have, seen: check.seen } : have);
      continue;
    }
    try {
      let record: OutputRecord | undefined;
      // The sidecar is written once the file has its final name, beside the fsync that makes the rename
      // durable (artifacts.ts); the output is recorded (and Ready saved) only after both.
      await deps.artifacts.download(r.videoURL, rel, container, env.signal, async (got) => {
        const rec: OutputRecord = {
          path: rel,
          sha256: got.sha256,
          bytes: got.bytes,
          videoUUID: r.videoUUID,
          taskUUID: attempt.taskUUID,
          ...(r.seed !== undefined ? { seed: r.seed } : {}),
          ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : {}),
          downloadedAt: iso(deps.clock.now()),
        };
        // What the file looks like now that its sha256 is known (later checks compare this instead of hashing),
        // looked at while the sidecar is written: neither needs the other, and each is a trip to the disk.
        const [seen] = await Promise.all([
          seenNow(deps.artifacts.outDir, rel),
          sidecar(step, attempt, rec).then((data) => deps.artifacts.writeSidecar(rel, data)),
        ]);
        if (seen) rec.seen = seen;
        record = rec;
      });
      if (!record) throw new Error(`download of ${rel} ended without its record`); // never: afterRename ran
      outputs.push(record);
    } catch (err) {
      if (env.signal.aborted) return done; // shutdown cut the transfer: the next run downloads it again
      if (err instanceof ArtifactError && err.code === 'download.expired') {
        setCondition(
          v,
          ConditionType.Drifted,
          'True',
          Reason.DownloadExpired,
          `the result URL of ${rel} expired before it was downloaded; re-rendering costs money: bump spec.regenerate to render again`,
          deps.clock.now(),
        );
        transition(step, 'Failed', `result URL expired before download of ${rel}; bump spec.regenerate to render again (costs money)`);
        await env.records.flush(step.name);
        return done;
      }
      if (diskErrorCode(err)) throw err; // disk full or read-only: stop the run (the render stays paid and recorded)
      if (err instanceof ArtifactError && !err.retryable) {
        transition(step, 'Failed', err.message);
        await env.records.flush(step.name);
        return done;
      }
      return failed('download', err);
    }
  }
  v.outputs = outputs;
  v.outputPath = base;
  clearCondition(v, ConditionType.Drifted);
  const delivered = [...new Set(results.filter((r) => !r.videoURL).map((r) => r.deliveredTo ?? 'uploadEndpoint'))];
  transition(step, 'Ready', delivered.length ? `delivered to uploadEndpoint (${delivered.join(', ')}); no local file` : undefined, attempt.taskUUID);
  env.records.emit({ type: 'ready', name: step.name, outputs: outputs.map((o) => o.path), costUsd: v.costUsd, at: deps.clock.now() });
  await env.records.flush(step.name);
  return done;
}

async function sidecar(step: Step, attempt: Attempt, o: OutputRecord): Promise<object> {
  const { desired, deps } = step;
  // The commit recorded at submit; an attempt from an older state has none: ask now (best effort).
  const commit = attempt.gitCommit ?? (await deps.manifestCommit(path.resolve(desired.source.file)));
  return {
    apiVersion: 'reelctl/v1',
    kind: 'VideoProvenance',
    name: desired.name,
    specHash: step.v.specHash,
    regenerate: desired.regenerate,
    manifest: { file: desired.source.file, line: desired.source.line, ...(commit ? { gitCommit: commit } : {}) },
    request: compactRequest(desired),
    taskUUID: attempt.taskUUID,
    videoUUID: o.videoUUID,
    seed: o.seed ?? null,
    costUsd: o.costUsd ?? null,
    sha256: o.sha256,
    bytes: o.bytes,
    submittedAt: attempt.createdAt,
    downloadedAt: o.downloadedAt,
    ...(deps.simulated ? { simulated: true } : {}), // a placeholder from --simulate, not a paid render
  };
}

/** A Ready video: move files when output.path changed; re-download drifted files while URLs live. */
export async function keepReady(step: Step): Promise<Result> {
  const { env, deps, v, desired } = step;
  const base = outputBasePath(desired);
  if (base !== v.outputPath) {
    const to = outputFilePaths(base, v.outputs.length);
    for (const [i, o] of v.outputs.entries()) {
      try {
        await deps.artifacts.move(o.path, to[i]!);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        env.drift.mark(step.name); // gone from both places: the drift check below re-downloads or reports it
      }
      o.path = to[i]!;
    }
    v.outputPath = base;
    env.records.markDirty(step.name);
    await env.records.flush(step.name);
  }
  if (!env.drift.take(step.name)) return done;
  const drifted: OutputRecord[] = [];
  let restat = false;
  for (const o of v.outputs) {
    const c = await inspectOutput(deps.artifacts.outDir, o, { verify: !!deps.verifyOutputs, remember: false }); // `seen` is the memo
    if (c.status !== 'ok') drifted.push(o);
    else if (c.seen && !sameSeen(o.seen, c.seen)) {
      // Verified by its sha256 (a record from an older state, or a touched file): keep its stat, hash once.
      o.seen = c.seen;
      restat = true;
    }
  }
  // The new stat is only a shortcut for later checks (losing it costs one more hash), so it is not flushed
  // here: the next save carries it. A daemon starting on an older state restats every output at once, and a
  // save per video (10,000 journal appends and the compactions they trigger) took its RSS from ~180 to ~270 MB.
  if (restat) env.records.markDirty(step.name);
  if (drifted.length === 0) return done;
  const attempt = v.attempts.find((a) => a.taskUUID === v.outputs[0]!.taskUUID);
  if (!attempt?.results) {
    setCondition(
      v,
      ConditionType.Drifted,
      'True',
      Reason.OutputDrifted,
      `${drifted.map((o) => o.path).join(', ')} changed on disk and cannot be re-downloaded`,
      deps.clock.now(),
    );
    env.records.markDirty(step.name);
    return done;
  }
  v.outputs = v.outputs.filter((o) => !drifted.includes(o));
  return downloadOutputs(step, attempt);
}
