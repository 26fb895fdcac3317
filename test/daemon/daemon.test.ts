import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, FakeClock } from '../../src/clock.js';
import { createLogger, registerSecret, silentLogger } from '../../src/log.js';
import { startDaemon, type Daemon, type DaemonDeps } from '../../src/daemon/daemon.js';
import { DEFAULT_LISTEN, formatAddress, parseListen } from '../../src/daemon/options.js';
import { captureStream, fakeLoader, FakeController, waitFor } from './fakes.js';

const CANARY = 'rw-canary-KEY-3f9a1c77d2';

describe('startDaemon', () => {
  let dir: string;
  let ctl: FakeController;
  let d: Daemon | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'reelctl-daemon-'));
    ctl = new FakeController();
  });
  afterEach(async () => {
    await d?.stop('test');
    d = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = (over: Partial<DaemonDeps> = {}) =>
    startDaemon({
      paths: [dir],
      loader: fakeLoader,
      createRuntime: async () => ({ controller: ctl, close: async () => {} }),
      clock: systemClock,
      logger: silentLogger(),
      listen: { host: '127.0.0.1', port: 0 },
      debounceMs: 100,
      version: '9.9.9',
      ...over,
    });
  const get = async (p: string, init?: RequestInit) => {
    const res = await fetch(formatAddress(d!.address) + p, init);
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
  };

  it('loads the manifests, hands them to the controller and starts it', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'ok');
    d = await start();
    expect(ctl.last).toEqual(['a']);
    expect(ctl.started).toBe(true);
  });

  it('a newly added manifest triggers a reload and setDesired with it (save → desired timed)', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'ok');
    const log = captureStream();
    d = await start({ logger: createLogger({ format: 'json', destination: log, level: 'info' }) });
    const t0 = Date.now();
    await writeFile(path.join(dir, 'b.yaml'), 'ok');
    await waitFor(() => ctl.desired.length === 2);
    const ms = ctl.desiredAt[1]! - t0;
    console.log(`save → setDesired: ${ms} ms (debounce 100 ms)`);
    expect(ctl.last).toEqual(['a', 'b']);
    await waitFor(() => log.text().includes('save → desired'));
    const line = log
      .text()
      .split('\n')
      .find((l) => l.includes('save → desired'))!;
    expect(JSON.parse(line)).toMatchObject({ files: 1, applied: true });
  });

  it('a manifest renamed into a subdirectory or deleted is reflected in the next desired set', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'ok');
    await writeFile(path.join(dir, 'gone.yaml'), 'ok');
    d = await start();
    expect(ctl.last).toEqual(['a', 'gone']);
    await mkdir(path.join(dir, 'sub'));
    await rename(path.join(dir, 'a.yaml'), path.join(dir, 'sub', 'moved.yaml'));
    await rm(path.join(dir, 'gone.yaml'));
    await waitFor(() => ctl.last?.join() === 'moved');
  });

  it('an invalid save keeps the last good set and reports the located problem in logs, /readyz and /metrics', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'ok');
    const log = captureStream();
    d = await start({ logger: createLogger({ format: 'json', destination: log }) });
    await writeFile(path.join(dir, 'a.yaml'), 'INVALID');
    await waitFor(() => d!.reloader.condition().status === 'False');
    expect(ctl.desired).toHaveLength(1); // never replaced with an empty or partial set
    expect(log.text()).toContain(`${path.join(dir, 'a.yaml')}:2:3: spec.request.model is required`);
    const r = await get('/readyz');
    expect(r.status).toBe(200); // the last good set is still being reconciled
    expect(JSON.parse(r.text).conditions.ManifestsValid).toMatchObject({
      status: 'False',
      reason: 'ManifestsInvalid',
      problems: [`${path.join(dir, 'a.yaml')}:2:3: spec.request.model is required`],
    });
    const m = (await get('/metrics')).text;
    expect(m).toMatch(/^reelctl_manifests_valid 0$/m);
    expect(m).toMatch(/^reelctl_manifest_load_errors_total 1$/m);
    // Fixing the file applies again.
    await writeFile(path.join(dir, 'a.yaml'), 'ok again');
    await waitFor(() => ctl.desired.length === 2);
    expect(d.reloader.condition().status).toBe('True');
  });

  it('invalid manifests at startup apply nothing and keep /readyz at 503 until fixed', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'INVALID');
    d = await start();
    expect(ctl.desired).toHaveLength(0);
    const r = await get('/readyz');
    expect(r.status).toBe(503);
    expect(JSON.parse(r.text).reason).toMatch(/manifests invalid/);
    await writeFile(path.join(dir, 'a.yaml'), 'ok');
    await waitFor(() => ctl.desired.length === 1);
    expect((await get('/readyz')).status).toBe(200);
  });

  it('/healthz answers 200 and /readyz goes 503 → 200 once state is locked and manifests are loaded', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'ok');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let bound!: (v: void) => void;
    const listening = new Promise<void>((r) => (bound = r));
    const starting = start({
      createRuntime: async () => {
        await gate;
        return { controller: ctl, close: async () => {} };
      },
      onListening: (a) => {
        d = { address: a } as Daemon;
        bound();
      },
    });
    await listening;
    expect((await get('/healthz')).status).toBe(200);
    const before = await get('/readyz');
    expect(before.status).toBe(503);
    expect(JSON.parse(before.text)).toMatchObject({ status: 'not ready', checks: { state: false } });
    release();
    d = await starting;
    const after = await get('/readyz');
    expect(after.status).toBe(200);
    expect(JSON.parse(after.text)).toMatchObject({ status: 'ready', checks: { state: true, manifests: true, provider: true } });
  });

  it('/readyz is 503 while the provider breaker is open', async () => {
    let open = true;
    d = await start({ createRuntime: async () => ({ controller: ctl, close: async () => {}, breakerOpen: () => open }) });
    const r = await get('/readyz');
    expect(r.status).toBe(503);
    expect(JSON.parse(r.text).reason).toMatch(/breaker/);
    open = false;
    expect((await get('/readyz')).status).toBe(200);
  });

  it('/metrics exposes the named metrics from events, status and provider stats, and never the API key', async () => {
    registerSecret(CANARY);
    ctl.statuses = [
      { name: 'a', phase: 'Ready', specHash: 'h', costUsd: 0.5, outputs: [], since: 0 },
      { name: 'b', phase: 'Running', specHash: 'h', costUsd: 0.25, outputs: [], since: 0, message: `leaked ${CANARY}` },
    ];
    ctl.depth = 3;
    for (const n of ['a', 'b']) await writeFile(path.join(dir, `${n}.yaml`), 'ok'); // in the manifests: counted
    const stats = { requests: 4, byOutcome: { ok: 3, transient: 1 }, retries: 1 };
    d = await start({ createRuntime: async () => ({ controller: ctl, close: async () => {}, providerStats: () => stats }) });
    ctl.emit({ type: 'phase', name: 'b', from: undefined, to: 'Pending', at: 1000 });
    ctl.emit({ type: 'submitted', name: 'b', taskUUID: 't', estimatedCostUsd: 0.3, at: 1000 });
    ctl.emit({ type: 'phase', name: 'b', from: 'Downloading', to: 'Ready', at: 31_000 });
    ctl.emit({ type: 'failed', name: 'c', reason: 'terminal', message: `bad key ${CANARY}`, at: 2000 });
    const r = await get('/metrics');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain/);
    const m = r.text;
    expect(m).toMatch(/^reelctl_videos\{phase="Ready"\} 1$/m);
    expect(m).toMatch(/^reelctl_videos\{phase="Running"\} 1$/m);
    expect(m).toMatch(/^reelctl_videos\{phase="Failed"\} 0$/m);
    expect(m).toMatch(/^reelctl_submissions_total 1$/m);
    expect(m).toMatch(/^reelctl_api_requests_total\{outcome="transient"\} 1$/m);
    expect(m).toMatch(/^reelctl_api_retries_total 1$/m);
    expect(m).toMatch(/^reelctl_spend_usd 0.75$/m);
    expect(m).toMatch(/^reelctl_queue_depth 3$/m);
    expect(m).toMatch(/^reelctl_reconcile_duration_seconds_bucket\{le="30"\} 1$/m);
    expect(m).toMatch(/^reelctl_manifest_load_errors_total 0$/m);
    expect(m).toMatch(/^reelctl_build_info\{version="9.9.9",node="v\d+/m);
    expect(m).toMatch(/^reelctl_videos_failed_total\{reason="terminal"\} 1$/m);
    expect(m).toMatch(/^reelctl_provider_breaker_open 0$/m);
    // Counters mirrored from the client keep their value across scrapes (no double counting).
    stats.byOutcome.ok = 5;
    const m2 = (await get('/metrics')).text;
    expect(m2).toMatch(/^reelctl_api_requests_total\{outcome="ok"\} 5$/m);
    for (const p of ['/metrics', '/readyz', '/healthz']) expect((await get(p)).text).not.toContain(CANARY);
  });

  it('a video whose manifest is gone leaves the phase gauges (it stays in state and in spend)', async () => {
    await writeFile(path.join(dir, 'a.yaml'), 'ok');
    ctl.statuses = [
      { name: 'a', phase: 'Ready', specHash: 'h', costUsd: 0.5, outputs: [], since: 0 },
      { name: 'gone', phase: 'Failed', specHash: 'h', costUsd: 0.25, outputs: [], since: 0 },
    ];
    d = await start();
    const m = (await get('/metrics')).text;
    expect(m).toMatch(/^reelctl_videos\{phase="Ready"\} 1$/m);
    expect(m).toMatch(/^reelctl_videos\{phase="Failed"\} 0$/m);
    expect(m).toMatch(/^reelctl_spend_usd 0.75$/m);
  });

  it('answers 404 for other paths and 405 for non-GET methods', async () => {
    d = await start();
    expect((await get('/')).status).toBe(404);
    expect((await get('/metrics/x')).status).toBe(404);
    const post = await get('/metrics', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect((await get('/healthz?verbose=1')).status).toBe(200);
    const head = await get('/readyz', { method: 'HEAD' });
    expect([head.status, head.text]).toEqual([200, '']);
  });

  it('binds loopback by default and reports the real port when 0 is asked', async () => {
    expect(parseListen(DEFAULT_LISTEN)).toEqual({ host: '127.0.0.1', port: 9464 });
    d = await start({ listen: { ...parseListen(DEFAULT_LISTEN), port: 0 } });
    expect(d.address.host).toBe('127.0.0.1');
    expect(d.address.port).toBeGreaterThan(0);
  });

  it('resyncs periodically: reloads the manifests and calls controller.resync()', async () => {
    const clock = new FakeClock();
    d = await start({ clock, resyncMs: 60_000 });
    expect(ctl.resyncs).toBe(0);
    await writeFile(path.join(dir, 'missed.yaml'), 'ok'); // as if the watcher missed it
    await clock.advance(60_000);
    await waitFor(() => ctl.resyncs === 1);
    expect(ctl.last).toContain('missed');
  });

  it('stop() stops the controller, closes the server and releases the runtime; /readyz is 503 while stopping', async () => {
    let closed = false;
    ctl.stopDelayMs = 100;
    d = await start({ createRuntime: async () => ({ controller: ctl, close: async () => void (closed = true) }) });
    const addr = formatAddress(d.address);
    const stopping = d.stop('test');
    expect(d.readiness()).toMatchObject({ ready: false, reason: 'shutting down' });
    await stopping;
    expect(ctl.stopped).toBe(true);
    expect(closed).toBe(true);
    await expect(fetch(addr + '/healthz')).rejects.toThrow();
  });

  it('a stop asked for while the runtime is starting never starts workers and still releases the runtime', async () => {
    let closed = false;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inRuntime = new Promise<void>((r) => (entered = r));
    const abort = new AbortController();
    const starting = start({
      signal: abort.signal,
      createRuntime: async () => {
        entered();
        await gate;
        return { controller: ctl, close: async () => void (closed = true) };
      },
    });
    await inRuntime; // the daemon is inside createRuntime: the stop arrives during start-up, not before it
    abort.abort();
    release();
    d = await starting;
    await d.stop();
    expect(ctl.started).toBe(false);
    expect(ctl.desired).toHaveLength(0);
    expect(closed).toBe(true);
  });

  it('says clearly when the listen address is taken', async () => {
    d = await start();
    const second = start({ listen: d.address });
    await expect(second).rejects.toThrow(/cannot listen on 127\.0\.0\.1:\d+: address already in use/);
  });

  it('fails to start (and frees the port) when the runtime cannot take the state lock', async () => {
    let address = '';
    const p = start({
      createRuntime: async () => {
        throw new Error('state is locked by pid 42');
      },
      onListening: (a) => (address = formatAddress(a)),
    });
    await expect(p).rejects.toThrow(/locked by pid 42/);
    await expect(fetch(address + '/healthz')).rejects.toThrow();
  });
});
