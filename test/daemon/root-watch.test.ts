// git-sync's way of publishing: the manifests path does not exist until the first clone, then a symlink is
// renamed over to each new checkout. The daemon must notice both within seconds (no resync), and /readyz
// must say why it is not ready meanwhile.
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock, systemClock } from '../../src/clock.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { formatAddress } from '../../src/daemon/options.js';
import { rootIdentity, watchRoots } from '../../src/daemon/root-watch.js';
import { silentLogger } from '../../src/log.js';
import { fakeLoader, FakeController, waitFor } from './fakes.js';

let dir: string;
let d: Daemon | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'reelctl-roots-'));
});
afterEach(async () => {
  await d?.stop('test');
  d = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A checkout `rev` with these manifests, published at `dir/repo` by an atomic symlink rename. */
async function publish(rev: string, names: string[]): Promise<void> {
  await mkdir(path.join(dir, rev, 'manifests'), { recursive: true });
  for (const n of names) await writeFile(path.join(dir, rev, 'manifests', `${n}.yaml`), 'ok');
  await symlink(path.join(dir, rev), path.join(dir, 'repo.tmp'));
  await rename(path.join(dir, 'repo.tmp'), path.join(dir, 'repo'));
}

describe('manifests path that appears or is swapped (git-sync)', () => {
  it('waits not-ready saying why, then follows the first clone and each swap without a resync', async () => {
    const ctl = new FakeController();
    d = await startDaemon({
      paths: [path.join(dir, 'repo', 'manifests')],
      loader: fakeLoader,
      createRuntime: async () => ({ controller: ctl, close: async () => {} }),
      clock: systemClock,
      logger: silentLogger(),
      listen: { host: '127.0.0.1', port: 0 },
      debounceMs: 50,
      rootPollMs: 100,
      resyncMs: 3_600_000,
    });
    const readyz = async () => {
      const r = await fetch(formatAddress(d!.address) + '/readyz');
      return { status: r.status, body: (await r.json()) as { reason?: string } };
    };
    const before = await readyz();
    expect(before.status).toBe(503);
    expect(before.body.reason).toMatch(/repo\/manifests:1:1: no such file or directory \(not there yet: is git-sync still cloning/);

    await publish('rev-1', ['a']);
    await waitFor(() => ctl.last?.join() === 'a');
    expect((await readyz()).status).toBe(200);

    await publish('rev-2', ['b', 'c']);
    await waitFor(() => ctl.last?.join() === 'b,c');
    // Edits inside the new checkout are seen by the re-armed file watcher too.
    await writeFile(path.join(dir, 'rev-2', 'manifests', 'd.yaml'), 'ok');
    await waitFor(() => ctl.last?.join() === 'b,c,d');
  });

  it('watchRoots reports appear, swap and vanish on its clock; nothing while the target stays', async () => {
    const clock = new FakeClock();
    const seen: string[][] = [];
    const link = path.join(dir, 'repo');
    const w = watchRoots({ paths: [link], intervalMs: 1000, clock, onChange: (c) => seen.push(c) });
    await w.ready;
    const tick = async () => {
      await clock.advance(1000);
      await new Promise((r) => setTimeout(r, 20)); // let the fs checks of this round finish
    };
    await tick();
    expect(seen).toHaveLength(0);
    await publish('rev-1', []);
    await tick();
    expect(seen).toEqual([[link]]);
    await tick();
    expect(seen).toHaveLength(1);
    await publish('rev-2', []);
    await tick();
    expect(seen).toHaveLength(2);
    await rm(link);
    await tick();
    expect(seen).toHaveLength(3);
    expect(await rootIdentity(link)).toBeNull();
    w.close();
  });
});
