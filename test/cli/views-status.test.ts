// The status and describe views (src/cli/views/status.ts, describe.ts) given a fixed result: what a person
// and what a script sees, written to the stream the view was given.
import { describe, expect, it } from 'vitest';
import { STATUS_VIEWS, type StatusResult } from '../../src/cli/views/status.js';
import { DESCRIBE_VIEWS, type Described } from '../../src/cli/views/describe.js';
import { DEFAULT_STATE, SIMULATED_STATE } from '../../src/cli/context.js';
import type { StateFile, VideoState } from '../../src/state/model.js';
import { emptyState, newVideoState, setPhase } from '../../src/state/transitions.js';
import { capture } from './capture.js';

const NOW = Date.parse('2026-01-02T12:00:00.000Z');
const HASH_A = 'sha256:' + 'a'.repeat(64);
const HASH_B = 'sha256:' + 'b'.repeat(64);

function fixture(): StateFile {
  const s = emptyState('lin-views');
  const alpha = newVideoState({ name: 'alpha', specHash: HASH_A, regenerate: 0, outputPath: 'alpha.mp4', labels: { campaign: 'launch' } }, NOW - 90_000);
  setPhase(alpha, 'Ready', NOW - 90_000);
  alpha.costUsd = 0.252;
  alpha.attempts.push({
    taskUUID: 'task-a',
    specHash: HASH_A,
    createdAt: '2026-01-02T11:58:00.000Z',
    state: 'succeeded',
    sends: 1,
    reservedUsd: 0.252,
    costUsd: 0.252,
    costSource: 'api',
    results: [{ videoUUID: 'vid-a', videoURL: 'https://example.test/a.mp4', costUsd: 0.252, receivedAt: '2026-01-02T11:58:20.000Z' }],
  } as VideoState['attempts'][number]);
  alpha.costSource = 'api';
  alpha.outputs.push({
    path: 'alpha.mp4',
    sha256: 'c'.repeat(64),
    bytes: 1234,
    videoUUID: 'vid-a',
    taskUUID: 'task-a',
    downloadedAt: '2026-01-02T11:58:30.000Z',
  });
  const beta = newVideoState({ name: 'beta', specHash: HASH_B, regenerate: 0, outputPath: 'beta.mp4' }, NOW - 3 * 3_600_000);
  beta.attempts.push({
    taskUUID: 'task-b',
    specHash: HASH_B,
    createdAt: '2026-01-02T09:00:00.000Z',
    state: 'failed',
    sends: 1,
    reservedUsd: 0.252,
    costUsd: 0,
    costSource: 'api',
    error: { code: 'invalidPrompt', message: 'bad prompt' },
  } as VideoState['attempts'][number]);
  setPhase(beta, 'Failed', NOW - 3 * 3_600_000, 'render failed: bad prompt');
  s.videos = { beta, alpha };
  return s;
}

const result = (over: Partial<StatusResult> = {}): StatusResult => ({ state: fixture(), selector: {}, now: NOW, statePath: 'st.json', ...over });

describe('status views', () => {
  it('human: the table, sorted by name, ages from the last transition', async () => {
    const c = capture();
    await STATUS_VIEWS.human(c.out).render(result());
    expect(c.text()).toBe(
      [
        'NAME    PHASE    AGE   COST    OUTPUT      MESSAGE',
        'alpha   Ready    90s   $0.25   alpha.mp4',
        'beta    Failed   3h    $0.00   -           render failed: bad prompt',
        '',
      ].join('\n'),
    );
  });

  it('human on a terminal: a Failed row in red', async () => {
    const c = capture(true);
    await STATUS_VIEWS.human(c.out).render({ ...result(), selector: { campaign: 'launch' } });
    expect(c.text()).not.toContain('\x1b[31m');
    const f = capture(true);
    await STATUS_VIEWS.human(f.out).render(result());
    expect(f.text()).toMatch(/\x1b\[31mbeta {4}Failed/);
  });

  it('human and wide with no state: where it looked, and the simulated state when it looked at the default', async () => {
    for (const format of ['human', 'wide'] as const) {
      const c = capture();
      await STATUS_VIEWS[format](c.out).render(result({ state: null }));
      expect(c.text()).toBe('No state yet at st.json (run reelctl apply).\n');
      const d = capture();
      await STATUS_VIEWS[format](d.out).render(result({ state: emptyState('x'), statePath: DEFAULT_STATE }));
      expect(d.text()).toBe(`No state yet at ${DEFAULT_STATE} (run reelctl apply; a --simulate run keeps its own: --state ${SIMULATED_STATE}).\n`);
    }
  });

  it('wide: spec, task, files and labels too', async () => {
    const c = capture();
    await STATUS_VIEWS.wide(c.out).render(result());
    const [header, alpha, beta] = c.text().split('\n');
    expect(header!.split(/\s{3,}/)).toEqual(['NAME', 'PHASE', 'AGE', 'COST', 'SPEC', 'TASK', 'FILES', 'LABELS', 'OUTPUTS', 'MESSAGE']);
    expect(alpha!.split(/\s{3,}/)).toEqual(['alpha', 'Ready', '90s', '$0.25', HASH_A.slice(0, 19), 'task-a', '1', 'campaign=launch', 'alpha.mp4']);
    expect(beta!.split(/\s{3,}/)).toEqual(['beta', 'Failed', '3h', '$0.00', HASH_B.slice(0, 19), 'task-b', '0', '-', '-', 'render failed: bad prompt']);
  });

  it('json: the contract object, selector applied, one line', async () => {
    const c = capture();
    await STATUS_VIEWS.json(c.out).render(result({ selector: { campaign: 'launch' } }));
    expect(c.text().endsWith('\n') && c.text().split('\n').length).toBe(2);
    expect(JSON.parse(c.text())).toEqual({
      version: 1,
      videos: [
        {
          name: 'alpha',
          phase: 'Ready',
          specHash: HASH_A,
          taskUUID: 'task-a',
          outputs: [{ path: 'alpha.mp4', sha256: 'c'.repeat(64), bytes: 1234 }],
          costUsd: 0.252,
          costSource: 'api',
          message: '',
        },
      ],
    });
  });

  it('yaml: the same object as YAML, control characters escaped', async () => {
    const s = fixture();
    s.videos.beta!.message = 'bad\u009b31mprompt';
    const c = capture();
    await STATUS_VIEWS.yaml(c.out).render(result({ state: s }));
    expect(c.text()).toMatch(/^version: 1\nvideos:\n {2}- name: alpha\n {4}phase: Ready\n/);
    expect(c.text()).not.toContain('\u009b');
    expect(c.text()).toContain('bad\\x9b31mprompt');
  });
});

describe('describe views', () => {
  const d = (): Described => ({
    name: 'alpha',
    manifest: { file: 'm.yaml', line: 3, labels: { campaign: 'launch' }, specHash: HASH_A, suspend: false },
    state: fixture().videos.alpha!,
    events: [{ at: '2026-01-02T11:58:00.000Z', type: 'submitted', name: 'alpha', taskUUID: 'task-a', estimatedCostUsd: 0.252 }],
    sidecar: { file: 'out/alpha.mp4.json', content: null },
  });

  it('text: kubectl-like sections', () => {
    const c = capture();
    DESCRIBE_VIEWS.text(c.out).render(d());
    const text = c.text();
    expect(text.split('\n').slice(0, 8)).toEqual([
      'Name:        alpha',
      'Manifest:    m.yaml:3',
      'Labels:      campaign=launch',
      `Desired:     ${HASH_A}`,
      'Phase:       Ready',
      `Recorded:    ${HASH_A}`,
      'Cost:        $0.25',
      'Outputs:',
    ]);
    expect(text).toContain('  2026-01-02T11:58:00.000Z  submitted  task task-a, estimated $0.25\n');
    expect(text.endsWith('Sidecar:     <missing>\n')).toBe(true);
  });

  it("text: the work queue's retry and gave-up events as readable lines, not raw JSON", () => {
    const at = '2026-01-02T12:00:00.000Z';
    const events = [
      { at, type: 'retry', name: 'alpha', what: 'download', error: 'download failed: socket reset', failures: 3, retryInMs: 4000 },
      { at, type: 'retry', name: 'alpha', what: 'poll', error: 'no answer', failures: 1, retryInMs: 500 },
      { at, type: 'retry', name: 'alpha', what: 'download', error: 'x', failures: 9, retryInMs: 300_000 },
      { at, type: 'gave-up', name: 'alpha', what: 'download', error: 'download failed: socket reset', failures: 5 },
    ];
    const c = capture();
    DESCRIBE_VIEWS.text(c.out).render({ ...d(), events });
    const lines = c.text().split('\n');
    const from = lines.indexOf('Events:');
    expect(lines.slice(from + 1, from + 5)).toEqual([
      `  ${at}  retry      3 of download in 4 s: download failed: socket reset`,
      `  ${at}  retry      1 of poll in 500 ms: no answer`,
      `  ${at}  retry      9 of download in 5 min: x`,
      `  ${at}  gave-up    after 5 failures of download: download failed: socket reset`,
    ]);
    expect(c.text()).not.toContain('{"');
  });

  it('text escapes control characters from the manifest; json keeps the object', () => {
    const x = { ...d(), manifest: { ...d().manifest!, file: 'evil\x1b[2J.yaml' } };
    const c = capture();
    DESCRIBE_VIEWS.text(c.out).render(x);
    expect(c.text()).not.toContain('\x1b');
    expect(c.text()).toContain('Manifest:    evil\\x1b[2J.yaml:3');
    const j = capture();
    DESCRIBE_VIEWS.json(j.out).render(x);
    expect(j.text()).toMatch(/^\{\n {2}"name": "alpha",\n/);
    const parsed = JSON.parse(j.text()) as Described;
    expect(parsed.manifest).toEqual(x.manifest);
    expect(parsed.events).toEqual(x.events);
    expect(j.text()).not.toContain('\x1b');
  });
});
