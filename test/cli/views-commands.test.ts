// The views of validate, apply, version, state migrate, plan, errors and the small commands, given fixed
// results: the human text and the JSON a script reads, written only to the stream the view was given.
import { describe, expect, it } from 'vitest';
import { ManifestError, ReelctlError, UsageError } from '../../src/errors.js';
import type { Plan } from '../../src/plan/model.js';
import { humanApplyView, jsonApplyView, type LogLine } from '../../src/cli/views/apply.js';
import { completionView } from '../../src/cli/views/completion.js';
import { initView } from '../../src/cli/views/init.js';
import { PLAN_VIEWS, type PlanResult } from '../../src/cli/views/plan.js';
import { runView } from '../../src/cli/views/run.js';
import { simView } from '../../src/cli/views/sim.js';
import { MIGRATE_VIEWS, unlockView, type MigrateOutcome } from '../../src/cli/views/state.js';
import { VALIDATE_VIEWS, type ValidateResult } from '../../src/cli/views/validate.js';
import { VERSION_VIEWS } from '../../src/cli/views/version.js';
import { pickFormat } from '../../src/cli/views/view.js';
import { reportError } from '../../src/cli/report-error.js';
import { capture } from './capture.js';

const PROBLEM = { file: 'm.yaml', line: 4, col: 3, message: 'spec.request.width: must be a multiple of 64', code: 'schema' };

describe('pickFormat: flags → one format', () => {
  it('--json wins, -o picks a named format, neither is the human view', () => {
    expect(pickFormat({ json: true, output: 'yaml' }, ['json', 'yaml', 'wide'], 'human')).toBe('json');
    expect(pickFormat({ output: 'wide' }, ['json', 'yaml', 'wide'], 'human')).toBe('wide');
    expect(pickFormat({}, ['json', 'yaml', 'wide'], 'human')).toBe('human');
  });
  it('anything else is a usage error naming the choices', () => {
    expect(() => pickFormat({ output: 'human' }, ['json', 'yaml', 'wide'], 'human')).toThrow(new UsageError('-o must be one of json, yaml, wide, got "human"'));
    expect(() => pickFormat({ output: 'xml' }, ['text', 'json'], 'text')).toThrow(new UsageError('-o must be text or json, got "xml"'));
  });
});

describe('validate views', () => {
  it('human: one line of counts', () => {
    const c = capture();
    VALIDATE_VIEWS.human(c.out).render({ files: 3, videos: 5, problems: [] });
    expect(c.text()).toBe('3 manifest file(s) valid (5 video(s))\n');
  });
  it('json: the whole result, problems included, one line', () => {
    const c = capture();
    const invalid: ValidateResult = { files: 1, videos: 0, problems: [PROBLEM] };
    VALIDATE_VIEWS.json(c.out).render(invalid);
    expect(c.text()).toBe(JSON.stringify({ version: 1, valid: false, files: 1, videos: 0, problems: [PROBLEM] }) + '\n');
  });
});

const SUM = { ready: 2, failed: 1, suspended: 0, submitted: 3, spentUsd: 0.50400000001, stoppedByGuard: false };
const PLAN: Plan = {
  changes: [{ name: 'alpha', action: 'create', reason: 'not rendered yet', estimatedCostUsd: 0.252, outputPath: 'alpha.mp4', specHash: 'sha256:aa' }],
  summary: { create: 1, replace: 0, delete: 0, download: 0, move: 0, noop: 0, suspended: 0, attention: 0, estimatedCostUsd: 0.252 },
};

describe('apply views', () => {
  it('human: the plan as plan prints it, the summary, on the given stream', () => {
    const c = capture();
    const v = humanApplyView(c.out, { simulated: true });
    v.plan(PLAN);
    v.pruned(['old'], ['old.mp4'], 'out');
    v.summary(SUM);
    v.interrupted();
    expect(c.text()).toBe(
      [
        'reelctl will perform the following actions:',
        '',
        '    + alpha (create)  $0.25',
        '        not rendered yet',
        '        output: alpha.mp4',
        '',
        'Plan: 1 to create, 0 to replace, 0 to download, 0 to move, 0 to delete. Estimated cost: $0.25 (simulated: nothing is spent)',
        'pruned 1 video(s); 1 file(s) archived under out/.archive/',
        'Apply complete: 2 ready, 1 failed, 0 suspended, 3 submitted, $0.50 spent (simulated).',
        'interrupted: in-flight renders are recorded and will be picked up by the next apply',
        '',
      ].join('\n'),
    );
  });
  it('human on a terminal: a summary with failures in red, without in green; cancelled after a blank line', () => {
    const c = capture(true);
    const v = humanApplyView(c.out, { simulated: false });
    v.summary(SUM);
    v.summary({ ...SUM, failed: 0 });
    v.cancelled();
    expect(c.text()).toBe(
      '\x1b[31mApply complete: 2 ready, 1 failed, 0 suspended, 3 submitted, $0.50 spent.\x1b[39m\n\x1b[32mApply complete: 2 ready, 0 failed, 0 suspended, 3 submitted, $0.50 spent.\x1b[39m\n\nApply cancelled: nothing was submitted.\n',
    );
  });
  it('json (--log-format json): one log line each, the same words as msg and the facts as fields', () => {
    const lines: [string, object, string][] = [];
    const log: LogLine = (level, fields, msg) => lines.push([level, fields, msg]);
    const v = jsonApplyView(log, { simulated: false });
    v.plan(PLAN);
    v.cancelled();
    v.summary(SUM);
    v.summary({ ...SUM, failed: 0 });
    expect(lines).toEqual([
      [
        'info',
        {
          plan: JSON.parse(
            JSON.stringify({
              version: 1,
              changes: [
                { name: 'alpha', action: 'create', reason: 'not rendered yet', estimatedCostUsd: 0.252, outputPath: 'alpha.mp4', specHash: 'sha256:aa' },
              ],
              summary: PLAN.summary,
            }),
          ) as unknown,
          simulated: false,
        },
        'plan: 1 to create, 0 to replace, 0 to download, 0 to move, 0 to delete; estimated cost $0.25',
      ],
      ['info', {}, 'Apply cancelled: nothing was submitted.'],
      ['error', { ...SUM, spentUsd: 0.504, simulated: false }, 'Apply complete: 2 ready, 1 failed, 0 suspended, 3 submitted, $0.50 spent.'],
      ['info', { ...SUM, failed: 0, spentUsd: 0.504, simulated: false }, 'Apply complete: 2 ready, 0 failed, 0 suspended, 3 submitted, $0.50 spent.'],
    ]);
  });
});

describe('plan views', () => {
  it('human, json and markdown each render the same plan', () => {
    const result: PlanResult = { plan: PLAN };
    const h = capture();
    PLAN_VIEWS.human(h.out).render(result);
    expect(h.text()).toMatch(/^reelctl will perform the following actions:\n[^]*Estimated cost: \$0\.25\n$/);
    const j = capture();
    PLAN_VIEWS.json(j.out).render(result);
    expect(JSON.parse(j.text())).toMatchObject({ version: 1, summary: { create: 1, estimatedCostUsd: 0.252 } });
    const m = capture();
    PLAN_VIEWS.markdown(m.out).render(result);
    expect(m.text()).toMatch(/^### reelctl plan\n/);
  });
});

describe('version views', () => {
  const v = { version: '1.2.3', node: 'v20.20.0', platform: 'linux/x64' };
  it('text: one line', () => {
    const c = capture();
    VERSION_VIEWS.text(c.out).render(v);
    expect(c.text()).toBe('reelctl 1.2.3 (node v20.20.0, linux/x64)\n');
  });
  it('json: the three facts', () => {
    const c = capture();
    VERSION_VIEWS.json(c.out).render(v);
    expect(c.text()).toBe('{"version":"1.2.3","node":"v20.20.0","platform":"linux/x64"}\n');
  });
});

describe('state views', () => {
  const r: MigrateOutcome = { videos: 2, serial: 7, from: 'a.json', to: 'postgres://reelctl@db:5432/reelctl' };
  it('migrate for people: one line on stderr, nothing on stdout', () => {
    const out = capture();
    const err = capture();
    MIGRATE_VIEWS.human({ stdout: out.out, stderr: err.out }).render(r);
    expect(out.text()).toBe('');
    expect(err.text()).toBe(
      'migrated 2 video(s) from a.json to postgres://reelctl@db:5432/reelctl (serial 7); a.json is unchanged — point --state at the new one\n',
    );
  });
  it('migrate --json: the result on stdout, nothing on stderr', () => {
    const out = capture();
    const err = capture();
    MIGRATE_VIEWS.json({ stdout: out.out, stderr: err.out }).render(r);
    expect(err.text()).toBe('');
    expect(JSON.parse(out.text())).toEqual({ version: 1, migrated: r });
  });
  it('force-unlock: the store sentence', () => {
    const err = capture();
    unlockView(err.out).render('removed the lock of pid 42');
    expect(err.text()).toBe('removed the lock of pid 42\n');
  });
});

describe('the small commands', () => {
  it('init, sim, run and completion write their lines', () => {
    const i = capture();
    initView(i.out).render({ dir: 'repo', written: ['repo/manifests/example.yaml'] });
    expect(i.text()).toBe(
      'wrote repo/manifests/example.yaml\n\nNext:\n  reelctl validate repo/manifests\n  reelctl plan repo/manifests\n  reelctl apply --simulate repo/manifests   # try it without a key\n',
    );
    const s = capture();
    simView(s.out).listening({ url: 'http://127.0.0.1:1/v1', apiKey: 'k', origin: 'http://127.0.0.1:1', variants: ['nested-errors'] });
    expect(s.text()).toBe(
      'reelctl simulator listening\n  RUNWARE_API_URL=http://127.0.0.1:1/v1\n  RUNWARE_API_KEY=k\n  stats: http://127.0.0.1:1/_sim/stats\n  variants: nested-errors\n',
    );
    const r = capture();
    runView(r.out).listening({ host: '::1', port: 9464 });
    expect(r.text()).toBe('listening on http://[::1]:9464\n');
    const c = capture();
    completionView(c.out).candidates([]);
    completionView(c.out).candidates(['a', 'b']);
    expect(c.text()).toBe('a\nb\n');
  });
});

describe('error views (report-error.ts)', () => {
  it('text: located lines, then the count; json: one log line each with the facts', () => {
    const t = capture();
    expect(reportError(new ManifestError([PROBLEM]), t.out as unknown as NodeJS.WritableStream, 'text')).toBe(1);
    expect(t.text()).toBe('m.yaml:4:3: spec.request.width: must be a multiple of 64\nerror: 1 problem(s) found\n');
    const j = capture();
    reportError(new ReelctlError('state locked', { code: 'state.locked' }), j.out as unknown as NodeJS.WritableStream, 'json');
    expect(JSON.parse(j.text())).toMatchObject({ level: 50, code: 'state.locked', msg: 'error: state locked' });
  });
});
