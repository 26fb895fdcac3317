// A stop asked for during the start-up reload (issue 18 item 5): the daemon must not start workers (and
// submit, i.e. spend) once the reload returns; it releases what it built. Each stage is gated and the stop
// is sent when the daemon is provably inside it — no sleeps.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { startDaemon, type DaemonDeps } from '../../src/daemon/daemon.js';
import type { Loader } from '../../src/daemon/reload.js';
import { silentLogger } from '../../src/log.js';
import { fakeLoader, FakeController } from './fakes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reelctl-startstop-'));
  await writeFile(path.join(dir, 'a.yaml'), 'ok');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The daemon over a fake controller, as the tests here start it; `over` replaces any of its deps. */
const start = (ctl: FakeController, over: Partial<DaemonDeps>, onClose: () => void = () => undefined) =>
  startDaemon({
    paths: [dir],
    loader: async (paths) => fakeLoader(paths),
    clock: systemClock,
    logger: silentLogger(),
    listen: { host: '127.0.0.1', port: 0 },
    debounceMs: 100,
    version: '9.9.9',
    createRuntime: async () => ({ controller: ctl, close: async () => onClose() }),
    ...over,
  });

describe('a stop during start-up', () => {
  it('asked while the start-up reload runs: workers never start, the runtime is released', async () => {
    const ctl = new FakeController();
    let closed = false;
    let entered!: () => void;
    const inReload = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const loader: Loader = async (paths) => {
      entered();
      await gate;
      return fakeLoader(paths);
    };
    const abort = new AbortController();
    const starting = start(ctl, { loader, signal: abort.signal }, () => void (closed = true));
    await inReload;
    abort.abort('SIGTERM');
    release();
    const d = await starting;
    await d.stop();
    expect(ctl.started).toBe(false);
    expect(closed).toBe(true);
  });
});

describe('a stop during a long load (issue 19: SIGTERM at 50,000 videos)', () => {
  it('does not wait for the load to finish: the loader is told to stop, and the stop waits only until it has let go', async () => {
    const ctl = new FakeController();
    let closed = false;
    let entered!: () => void;
    const inReload = new Promise<void>((r) => (entered = r));
    let letGo = false;
    // A load that would take forever unless its signal aborts (as loadManifests stops between files).
    const loader: Loader = (_paths, signal) => {
      entered();
      return new Promise((_, reject) => signal!.addEventListener('abort', () => setImmediate(() => ((letGo = true), reject(signal!.reason))), { once: true }));
    };
    const abort = new AbortController();
    const starting = start(ctl, { loader, signal: abort.signal }, () => void (closed = true));
    await inReload;
    abort.abort('SIGTERM');
    const d = await starting; // without the abort this never resolves
    await d.stop();
    expect(letGo).toBe(true); // the load had let go before the runtime (lock) was released
    expect(closed).toBe(true);
    expect(ctl.started).toBe(false);
    expect(d.reloader.condition().status).toBe('Unknown'); // an abandoned load is not a manifest problem
  });
});

describe('stop order (issue 19: the watches are closed first)', () => {
  it('every directory watch is closed before the controller stops (and saves the state)', async () => {
    const { watch } = await import('node:fs');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'sub'));
    const open = new Set<import('node:fs').FSWatcher>();
    const ctl = new FakeController();
    let openAtStop = -1;
    const stop = ctl.stop.bind(ctl);
    ctl.stop = async () => {
      openAtStop = open.size;
      await stop();
    };
    const d = await start(ctl, {
      watchWith: (p, listener) => {
        const w = watch(p, listener);
        open.add(w);
        const close = w.close.bind(w);
        w.close = () => (open.delete(w), close());
        return w;
      },
    });
    expect(open.size).toBe(2); // the root and sub/: one watch per directory
    await d.stop();
    expect(ctl.stopped).toBe(true);
    expect(openAtStop).toBe(0);
  });
});
