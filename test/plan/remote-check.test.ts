// plan --verify-remote's core: what is sent (only planned renders, always as a dry run), how each answer
// is reported (quote, refusal with the API's code and parameter), and how failures are retried or not.
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import type { LoadedVideo } from '../../src/manifest/model.js';
import type { Plan } from '../../src/plan/model.js';
import { verifyRemote } from '../../src/plan/remote-check.js';
import type { Provider, SubmitOutcome, VideoTask } from '../../src/provider/types.js';

const video = (name: string) =>
  ({ name, request: { model: 'klingai:kling-video@3-standard', positivePrompt: `p ${name}` }, localInputs: [] }) as unknown as LoadedVideo;
const plan = (changes: [string, string][]): Plan => ({
  changes: changes.map(([name, action]) => ({
    name,
    action: action as Plan['changes'][number]['action'],
    reason: '',
    estimatedCostUsd: action === 'create' || action === 'replace' ? 0.42 : 0,
  })),
  summary: { create: 0, replace: 0, delete: 0, download: 0, move: 0, noop: 0, suspended: 0, attention: 0, estimatedCostUsd: 0 },
});

/** A scripted provider: each submit call takes the next answer (a function of the tasks, or an error). */
function scripted(...answers: ((tasks: VideoTask[]) => SubmitOutcome[] | Error)[]) {
  const calls: { tasks: VideoTask[]; dryRun: boolean | undefined }[] = [];
  const polls: string[][] = [];
  const startedIds = new Set<string>();
  const provider: Provider = {
    async submit(tasks, o) {
      calls.push({ tasks, dryRun: o?.dryRun });
      const a = answers.shift() ?? ((t: VideoTask[]) => t.map((x) => ({ taskUUID: x.taskUUID, status: 'accepted' as const, costUsd: 0.42 })));
      const r = a(tasks);
      if (r instanceof Error) throw r;
      return r;
    },
    poll: async (uuids) => {
      polls.push(uuids);
      return uuids.map((u) =>
        startedIds.has(u)
          ? { taskUUID: u, status: 'processing' as const }
          : { taskUUID: u, status: 'unknown' as const, error: new ProviderError('no task', { code: 'taskNotFound', kind: 'unknown-outcome' }) },
      );
    },
    download: async () => {
      throw new Error('no downloads in a dry run');
    },
  };
  return { provider, calls, polls, startedIds };
}

let n = 0;
const deps = (provider: Provider, extra = {}) => ({
  provider,
  resolveRequest: async (v: LoadedVideo) => v.request,
  newUUID: () => `uuid-${++n}`,
  sleep: async () => undefined,
  ...extra,
});
/** The plan creates a and b: verify it against `provider`. */
const createAB = (provider: Provider) =>
  verifyRemote(
    plan([
      ['a', 'create'],
      ['b', 'create'],
    ]),
    [video('a'), video('b')],
    deps(provider),
  );
const all = (cost?: number) => (t: VideoTask[]) =>
  t.map((x) => ({ taskUUID: x.taskUUID, status: 'accepted' as const, ...(cost !== undefined ? { costUsd: cost } : {}) }));

describe('verifyRemote', () => {
  it('sends only the renders the plan would pay for, as a dry run, and reports the quotes', async () => {
    const { provider, calls } = scripted(all(0.5));
    const p = plan([
      ['a', 'create'],
      ['b', 'replace'],
      ['c', 'noop'],
      ['d', 'download'],
      ['e', 'move'],
      ['f', 'suspended'],
    ]);
    const r = await verifyRemote(p, ['a', 'b', 'c', 'd', 'e', 'f'].map(video), deps(provider));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.dryRun).toBe(true);
    expect(calls[0]!.tasks.map((t) => t.request.positivePrompt)).toEqual(['p a', 'p b']);
    expect(r).toMatchObject({ checked: 2, refused: 0, unverified: 0, quotedCostUsd: 1, estimatedCostUsd: 0.84 });
    expect(r.videos.map((v) => [v.name, v.ok, v.quotedCostUsd])).toEqual([
      ['a', true, 0.5],
      ['b', true, 0.5],
    ]);
  });

  it('matches a data+errors answer to each task by UUID', async () => {
    const { provider } = scripted((t) => [
      { taskUUID: t[0]!.taskUUID, status: 'accepted', costUsd: 0.42 },
      {
        taskUUID: t[1]!.taskUUID,
        status: 'rejected',
        error: new ProviderError('positivePrompt is too long', {
          code: 'invalidPositivePrompt',
          kind: 'terminal',
          parameter: 'positivePrompt',
          taskUUID: t[1]!.taskUUID,
        }),
      },
    ]);
    const r = await createAB(provider);
    expect(r.refused).toBe(1);
    expect(r.videos[1]).toEqual({
      name: 'b',
      ok: false,
      estimatedCostUsd: 0.42,
      error: { code: 'invalidPositivePrompt', message: 'positivePrompt is too long', parameter: 'positivePrompt' },
    });
  });

  it('batches requests and retries a transient failure (free: it is a dry run)', async () => {
    const { provider, calls } = scripted(() => new ProviderError('HTTP 503', { code: 'http.503', kind: 'transient', status: 503 }), all(0.42), all(0.42));
    const names = Array.from({ length: 30 }, (_, i) => `v${i}`);
    const r = await verifyRemote(plan(names.map((x) => [x, 'create'])), names.map(video), deps(provider, { batchSize: 25 }));
    expect(calls.map((c) => c.tasks.length)).toEqual([25, 25, 5]);
    expect(r).toMatchObject({ checked: 30, refused: 0, unverified: 0 });
  });

  it('a wrong key (401) is asked once, not once per batch, and every render is reported refused', async () => {
    const { provider, calls } = scripted(() => new ProviderError('invalid API key', { code: 'http.401', kind: 'terminal', status: 401 }));
    const names = Array.from({ length: 60 }, (_, i) => `v${i}`);
    const r = await verifyRemote(plan(names.map((x) => [x, 'create'])), names.map(video), deps(provider, { batchSize: 25 }));
    expect(calls).toHaveLength(1);
    expect(r.refused).toBe(60);
    expect(r.videos[59]!.error).toMatchObject({ code: 'http.401' });
  });

  it('answers that never come are retried, then reported as not verified (never as accepted)', async () => {
    const silent = (t: VideoTask[]) =>
      t.map((x) => ({
        taskUUID: x.taskUUID,
        status: 'unknown' as const,
        error: new ProviderError('no answer', { code: 'net.ECONNRESET', kind: 'unknown-outcome' }),
      }));
    const { provider, calls } = scripted(silent, silent, silent);
    const r = await verifyRemote(plan([['a', 'create']]), [video('a')], deps(provider, { attempts: 3 }));
    expect(calls).toHaveLength(3);
    expect(r).toMatchObject({ checked: 1, refused: 0, unverified: 1, quotedCostUsd: 0 });
    expect(r.videos[0]!.ok).toBe(false);
  });

  it('nothing planned: nothing sent', async () => {
    const { provider, calls } = scripted();
    const r = await verifyRemote(plan([['a', 'noop']]), [video('a')], deps(provider));
    expect(calls).toHaveLength(0);
    expect(r.checked).toBe(0);
  });

  it('proves the dry run was dry: getResponse for every UUID sent finds nothing', async () => {
    const { provider, calls, polls } = scripted(all(0.42));
    const r = await createAB(provider);
    expect(polls).toEqual([calls[0]!.tasks.map((t) => t.taskUUID)]);
    expect(r).toMatchObject({ started: [], unconfirmed: [] });
  });

  it('a dry run that was not dry: the renders getResponse finds are reported started, with their quoted cost', async () => {
    const s = scripted((t) => {
      s.startedIds.add(t[1]!.taskUUID); // the API ignored the header for this one
      return all(0.5)(t);
    });
    const r = await verifyRemote(
      plan([
        ['a', 'create'],
        ['b', 'create'],
      ]),
      [video('a'), video('b')],
      deps(s.provider),
    );
    expect(r.started).toEqual([{ name: 'b', taskUUID: s.calls[0]!.tasks[1]!.taskUUID, costUsd: 0.5 }]);
  });
});
