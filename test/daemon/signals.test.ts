// SIGTERM/SIGINT against a real child process running the compiled daemon (dist/, built if stale).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handleSignals } from '../../src/daemon/signals.js';
import { silentLogger } from '../../src/log.js';
import { ensureBuilt, root } from './build.js';

const child = path.join(root, 'test/daemon/fixtures/signal-child.mjs');

interface Run {
  proc: ChildProcess;
  exit: Promise<{ code: number | null; ms: number; stderr: string }>;
  ready: Promise<void>;
  signalledAt: number;
  /** Resolves when the child's output (stdout or its JSON log on stderr) contains `text`. */
  said(text: string): Promise<void>;
}

function startChild(env: Record<string, string>): Run {
  const proc = spawn(process.execPath, [child], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += String(d)));
  let output = ''; // READY on stdout, the JSON log on stderr
  const said = new EventEmitter();
  for (const s of [proc.stdout!, proc.stderr!]) s.on('data', (d) => ((output += String(d)), said.emit('data')));
  const run: Run = { proc, signalledAt: 0 } as Run;
  run.said = (text) =>
    new Promise((resolve, reject) => {
      const check = () => output.includes(text) && (said.off('data', check), resolve());
      said.on('data', check);
      proc.once('exit', () => reject(new Error(`child exited before saying "${text}": ${stderr}`)));
      check();
    });
  run.ready = run.said('READY');
  run.exit = new Promise((resolve) => proc.once('exit', (code) => resolve({ code, ms: Date.now() - run.signalledAt, stderr })));
  // Never outlive the test.
  const guard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
  proc.once('exit', () => clearTimeout(guard));
  return run;
}

describe('signals (child process)', () => {
  let dir: string;
  const runs: Run[] = [];
  beforeAll(async () => {
    ensureBuilt();
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelctl-signals-'));
    return async () => rm(dir, { recursive: true, force: true });
  }, 120_000);
  afterEach(() => {
    for (const r of runs.splice(0)) r.proc.kill('SIGKILL');
  });
  const launch = (env: Record<string, string>) => {
    const r = startChild({ DIR: dir, ...env });
    runs.push(r);
    return r;
  };

  it('SIGTERM stops the controller (200 ms) and exits 0 well within 10 s', async () => {
    const marker = path.join(dir, 'stopped-term');
    const r = launch({ MARKER: marker, STOP_MS: '200' });
    await r.ready;
    r.signalledAt = Date.now();
    r.proc.kill('SIGTERM');
    const { code, ms, stderr } = await r.exit;
    expect(code).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(150);
    expect(ms).toBeLessThan(10_000);
    expect(existsSync(marker)).toBe(true);
    expect(stderr).toContain('"msg":"stopped"');
  });

  it('SIGINT does the same graceful stop', async () => {
    const marker = path.join(dir, 'stopped-int');
    const r = launch({ MARKER: marker, STOP_MS: '50' });
    await r.ready;
    r.proc.kill('SIGINT');
    expect((await r.exit).code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('a stop that hangs still exits 0 at the deadline, after logging', async () => {
    const r = launch({ MARKER: path.join(dir, 'never'), STOP_MS: 'never', DEADLINE_MS: '300' });
    await r.ready;
    r.signalledAt = Date.now();
    r.proc.kill('SIGTERM');
    const { code, ms, stderr } = await r.exit;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    expect(stderr).toContain('graceful stop took too long');
  });

  it('a second signal exits at once', async () => {
    const r = launch({ MARKER: path.join(dir, 'never2'), STOP_MS: 'never' });
    await r.ready;
    r.proc.kill('SIGTERM');
    await r.said('signal received: stopping gracefully'); // the first signal was handled: the next one is a second
    r.signalledAt = Date.now();
    r.proc.kill('SIGTERM');
    const { code, ms } = await r.exit;
    expect(code).toBe(143);
    expect(ms).toBeLessThan(2_000);
  });
});

describe('handleSignals (in process)', () => {
  it('removes its handlers when uninstalled', () => {
    const proc = new EventEmitter() as unknown as NodeJS.Process;
    const off = handleSignals({ stop: async () => {}, logger: silentLogger(), proc, exit: () => {} });
    expect((proc as unknown as EventEmitter).listenerCount('SIGTERM')).toBe(1);
    off();
    expect((proc as unknown as EventEmitter).listenerCount('SIGTERM')).toBe(0);
    expect((proc as unknown as EventEmitter).listenerCount('SIGINT')).toBe(0);
  });
});
