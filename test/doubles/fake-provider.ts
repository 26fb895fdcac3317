// An in-memory Provider: the simulator's engine without HTTP. Same semantics, no sockets — for unit tests of
// the client and the reconciler. The shared contract suite (test/contracts/) runs it too. A test double: it
// lives under test/ and never ships in dist/ (test/packaging/imports.test.ts keeps it so).
import { Readable } from 'node:stream';
import { ArtifactError } from '../../src/errors.js';
import { SimEngine } from '../../src/provider/sim/engine.js';
import { prng } from '../../src/provider/sim/prng.js';
import { clipFor, videoBody } from '../../src/provider/sim/video-files.js';
import { SimAnswer } from '../../src/provider/sim/wire.js';
import { pollOutcomes, submitOutcomes, submitBody, type WireResponse } from '../../src/provider/runware/wire.js';
import type { DownloadResponse, PollOutcome, Provider, SubmitOutcome, VideoTask } from '../../src/provider/types.js';

export interface FakeProvider extends Provider {
  engine: SimEngine;
  calls: { submit: number; poll: number; download: number };
}

export function createFakeProvider(o: { latencyMs?: number; now?: () => number; seed?: number; generationFailureRate?: number } = {}): FakeProvider {
  const now = o.now ?? Date.now;
  const engine = new SimEngine({
    latency: { minMs: o.latencyMs ?? 0, maxMs: o.latencyMs ?? 0 },
    now,
    random: prng(o.seed ?? 7),
    generationFailureRate: o.generationFailureRate ?? 0,
  });
  const calls = { submit: 0, poll: 0, download: 0 };
  return {
    engine,
    calls,
    async submit(tasks: VideoTask[], opts = {}): Promise<SubmitOutcome[]> {
      calls.submit++;
      const a = new SimAnswer(new Set());
      for (const t of submitBody(tasks)) {
        const r = engine.submit(t as Record<string, unknown>, !!opts.dryRun);
        if (r.data) a.data.push(r.data);
        if (r.error) a.submitError(r.error);
      }
      const { status, json } = a.body();
      return submitOutcomes(tasks, json as WireResponse, status);
    },
    async poll(uuids: string[]): Promise<PollOutcome[]> {
      calls.poll++;
      const a = new SimAnswer(new Set());
      for (const u of uuids) a.poll(u, engine.poll(u), 'fake://sim');
      return pollOutcomes(uuids, a.body().json as WireResponse);
    },
    async download(url: string, opts = {}): Promise<DownloadResponse> {
      calls.download++;
      const m = /\/_sim\/videos\/([0-9a-f-]+)\.(\w+)\?exp=(\d+)$/.exec(url);
      if (!m || !engine.videos.has(m[1]!) || now() > Number(m[3]))
        throw new ArtifactError('the video URL has expired or is gone (HTTP 403)', { code: 'download.expired' });
      const body = videoBody(m[2]!, 0, clipFor(engine.videos.get(m[1]!)!.task.request));
      const start = Math.min(opts.offset ?? 0, body.total);
      return { status: start ? 206 : 200, body: body.stream(start, body.total - 1) as Readable, contentLength: body.total - start };
    },
  };
}
