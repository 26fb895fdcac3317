import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { registerSecret } from '../../src/log.js';
import { attachProgress, formatElapsed, logAboveProgress, type Detach } from '../../src/cli/progress.js';
import { captureStream, FakeController } from './fakes.js';

const ESC = /\x1b\[[0-9;]*[A-Za-z]/g;
const plain = (s: string) => s.replace(ESC, '');

function tty(columns = 100, rows = 30) {
  return Object.assign(captureStream(), { isTTY: true, columns, rows });
}

/** The last frame written: the text after the final cursor-up escape. */
function lastFrame(out: string): string[] {
  const frames = out.split(/\x1b\[\d+F/);
  return plain(frames.at(-1)!).split('\n').filter(Boolean);
}

function scenario(env: Record<string, string> = {}) {
  const ctl = new FakeController();
  const clock = new FakeClock(1_000_000);
  const stream = tty();
  const detach = attachProgress(ctl, { stream, isTTY: true, format: 'text', clock, env, tickMs: 0, throttleMs: 0 });
  return { ctl, clock, stream, detach };
}

describe('attachProgress on a TTY', () => {
  it('draws a line per video with phase, elapsed and cost, redrawn in place', async () => {
    const { ctl, clock, stream, detach } = scenario();
    ctl.emit({ type: 'phase', name: 'rainy-neon-alley', from: undefined, to: 'Pending', at: clock.now() });
    ctl.emit({ type: 'phase', name: 'city', from: undefined, to: 'Pending', at: clock.now() });
    await clock.advance(72_000);
    ctl.emit({ type: 'phase', name: 'rainy-neon-alley', from: 'Pending', to: 'Running', at: clock.now() - 1000 });
    ctl.emit({ type: 'phase', name: 'city', from: 'Downloading', to: 'Ready', at: clock.now() });
    ctl.emit({ type: 'ready', name: 'city', outputs: ['city.mp4'], costUsd: 0.42, at: clock.now() });
    const out = stream.text();
    expect(out).toMatch(/\x1b\[\d+F/); // cursor moved back up: redraw in place, not a scroll of lines
    expect(lastFrame(out)).toEqual([
      'reelctl  2 video(s) · 1 Running · 1 Ready · $0.42 spent',
      '● rainy-neon-alley  Running       1m12s  $0.00',
      '✓ city              Ready         1m12s  $0.42',
    ]);
    detach();
  });

  it('colours phases on a TTY, and not at all with NO_COLOR', () => {
    const coloured = scenario();
    coloured.ctl.emit({ type: 'phase', name: 'a', from: 'Running', to: 'Failed', message: 'boom', at: coloured.clock.now() });
    expect(coloured.stream.text()).toContain('\x1b[31m✗ a');
    const mono = scenario({ NO_COLOR: '1' });
    mono.ctl.emit({ type: 'phase', name: 'a', from: 'Running', to: 'Failed', message: 'boom', at: mono.clock.now() });
    expect(mono.stream.text()).not.toMatch(/\x1b\[[0-9;]*m/);
    expect(lastFrame(mono.stream.text())).toContain('✗ a     Failed           0s  $0.00  boom');
  });

  it('caps the frame to the terminal height and says how many are hidden', () => {
    const ctl = new FakeController();
    const clock = new FakeClock();
    const stream = tty(100, 10);
    attachProgress(ctl, { stream, isTTY: true, format: 'text', clock, env: {}, tickMs: 0, throttleMs: 0 })();
    for (let i = 0; i < 20; i++) ctl.emit({ type: 'phase', name: `v${String(i).padStart(2, '0')}`, from: undefined, to: 'Pending', at: 0 });
    // detached: nothing more is drawn
    expect(stream.text()).not.toContain('v00');
    const s2 = tty(100, 10);
    const d = attachProgress(ctl, { stream: s2, isTTY: true, format: 'text', clock, env: {}, tickMs: 0, throttleMs: 0 });
    for (let i = 0; i < 20; i++) ctl.emit({ type: 'phase', name: `v${String(i).padStart(2, '0')}`, from: undefined, to: 'Pending', at: 0 });
    const f = lastFrame(s2.text());
    expect(f).toHaveLength(1 + 7 + 1);
    expect(f.at(-1)).toBe('… and 13 more');
    d();
  });

  it('never prints a registered secret in a failure message', () => {
    registerSecret('rw-progress-canary-77');
    const { ctl, clock, stream } = scenario({ NO_COLOR: '1' });
    ctl.emit({ type: 'phase', name: 'a', from: 'Running', to: 'Failed', message: 'key rw-progress-canary-77 rejected', at: clock.now() });
    expect(stream.text()).not.toContain('rw-progress-canary-77');
  });
});

describe('attachProgress without a TTY or with --log-format json', () => {
  it('writes the same events as pino JSON lines', () => {
    const ctl = new FakeController();
    const stream = captureStream();
    const detach = attachProgress(ctl, { stream, isTTY: true, format: 'json', clock: new FakeClock(), env: {} });
    ctl.emit({ type: 'phase', name: 'a', from: undefined, to: 'Pending', at: 1 });
    ctl.emit({ type: 'submitted', name: 'a', taskUUID: 'u-1', estimatedCostUsd: 0.5, at: 2 });
    ctl.emit({ type: 'failed', name: 'a', reason: 'terminal', message: 'invalid width', at: 3 });
    detach();
    ctl.emit({ type: 'ready', name: 'a', outputs: [], costUsd: 0, at: 4 });
    const lines = stream
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.video, l.level])).toEqual([
      ['a', 30],
      ['a', 30],
      ['a', 50],
    ]);
    expect(lines[0]).toMatchObject({ from: null, to: 'Pending' });
    expect(lines[1]).toMatchObject({ taskUUID: 'u-1', estimatedCostUsd: 0.5 });
    expect(lines[2]).toMatchObject({ reason: 'terminal', message: 'invalid width' });
    expect(stream.text()).not.toMatch(/\x1b\[/);
  });

  it('uses log lines, not redraws, when the stream is not a TTY', () => {
    const ctl = new FakeController();
    const stream = captureStream();
    attachProgress(ctl, { stream, isTTY: false, format: 'text', clock: new FakeClock(), env: {} });
    ctl.emit({ type: 'phase', name: 'a', from: 'Submitted', to: 'Running', at: 1 });
    expect(stream.text()).toMatch(/INFO\s+a: Submitted → Running/);
    expect(stream.text()).not.toMatch(/\x1b\[/);
  });

  it('logs each thing once: no self-transitions, no phase line repeated by its event, money rounded', async () => {
    const ctl = new FakeController();
    const stream = captureStream();
    attachProgress(ctl, { stream, isTTY: false, format: 'text', clock: new FakeClock(), env: {} });
    ctl.emit({ type: 'phase', name: 'a', from: 'Pending', to: 'Pending', message: 'submitting', at: 1 });
    ctl.emit({ type: 'phase', name: 'a', from: 'Pending', to: 'Submitted', at: 2 });
    ctl.emit({ type: 'submitted', name: 'a', taskUUID: 'u-1', estimatedCostUsd: 0.1 + 0.2, at: 2 });
    ctl.emit({ type: 'phase', name: 'a', from: 'Downloading', to: 'Ready', at: 3 });
    ctl.emit({ type: 'ready', name: 'a', outputs: ['a.mp4'], costUsd: 4.9559999999999995, at: 3 });
    ctl.emit({ type: 'phase', name: 'b', from: 'Running', to: 'Failed', message: 'render failed: bad', at: 4 });
    ctl.emit({ type: 'failed', name: 'b', reason: 'invalidParameter', message: 'bad', at: 4 });
    ctl.emit({ type: 'phase', name: 'c', from: 'Downloading', to: 'Failed', message: 'URL expired', at: 5 });
    await Promise.resolve();
    const lines = stream.text().trim().split('\n');
    expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual([
      'INFO  a: submitted (estimated $0.30) video=a taskUUID=u-1 estimatedCostUsd=0.3',
      'INFO  a: ready ($4.96) video=a outputs=["a.mp4"] costUsd=4.956',
      'ERROR b: failed: render failed: bad video=b from=Running to=Failed message=render failed: bad reason=invalidParameter',
      'ERROR c: failed: URL expired video=c from=Downloading to=Failed message=URL expired',
    ]);
    expect(stream.text()).not.toMatch(/Pending → Pending|0000000/);
  });
});

describe('formatElapsed', () => {
  it('reads like a stopwatch', () => {
    expect([formatElapsed(0), formatElapsed(59_999), formatElapsed(72_000), formatElapsed(3_725_000)]).toEqual(['0s', '59s', '1m12s', '1h02m']);
  });
});

describe('progress print()', () => {
  it('prints log text above the live block and redraws the block below it', () => {
    const { ctl, clock, stream, detach } = scenario({ NO_COLOR: '1' });
    ctl.emit({ type: 'phase', name: 'a', from: undefined, to: 'Running', at: clock.now() });
    detach.print('INFO reloaded\n');
    const out = stream.text();
    const at = out.lastIndexOf('INFO reloaded');
    expect(out.slice(0, at)).toMatch(/\x1b\[\d+F\x1b\[0J$/); // block erased first
    expect(plain(out.slice(at))).toContain('● a'); // then drawn again below
    detach();
  });
});

describe('progress on odd terminals', () => {
  it('fits lines to the terminal width, treating a 0-column pty as unknown (100)', () => {
    const name = 'a-rather-long-video-name-that-goes-on';
    for (const [columns, max] of [
      [50, 50],
      [0, 100],
    ] as const) {
      const ctl = new FakeController();
      const stream = tty(columns);
      attachProgress(ctl, { stream, isTTY: true, format: 'text', clock: new FakeClock(), env: { NO_COLOR: '1' }, tickMs: 0, throttleMs: 0 });
      ctl.emit({ type: 'phase', name, from: 'Running', to: 'Failed', message: 'x'.repeat(200), at: 0 });
      const row = lastFrame(stream.text()).find((l) => l.startsWith('✗'))!;
      expect(row.length).toBeLessThanOrEqual(max);
      expect(row.length).toBeGreaterThan(max - 5);
      expect(row.endsWith('…')).toBe(true);
    }
  });
});

describe("logAboveProgress (run's log destination)", () => {
  it('prints above the live block while there is one, straight to the stream otherwise', () => {
    const out = captureStream();
    const printed: string[] = [];
    let progress: Detach | undefined;
    const dest = logAboveProgress(() => progress, out);
    dest.write('before\n');
    progress = Object.assign(() => undefined, { print: (t: string) => void printed.push(t) });
    dest.write('during\n');
    progress = undefined;
    dest.write('after\n');
    expect(out.text()).toBe('before\nafter\n');
    expect(printed).toEqual(['during\n']);
  });
});
