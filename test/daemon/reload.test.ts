import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import type { LoadResult } from '../../src/manifest/model.js';
import { createReloader, type Loader } from '../../src/daemon/reload.js';
import { FakeController, video } from './fakes.js';

const ok = (...names: string[]): LoadResult => ({ videos: names.map((n) => video(n)), problems: [], files: names.map((n) => `/m/${n}.yaml`) });

function setup(loader: Loader, ctl = new FakeController()) {
  const loads: boolean[] = [];
  const r = createReloader({ paths: ['/m'], loader, controller: () => ctl, clock: systemClock, logger: silentLogger(), onLoaded: (good) => loads.push(good) });
  return { r, ctl, loads };
}

describe('createReloader', () => {
  it('serialises reloads: requests during a load coalesce into exactly one more load', async () => {
    let calls = 0;
    let release!: () => void;
    const loader: Loader = async () => {
      calls++;
      if (calls === 1) await new Promise<void>((r) => (release = r));
      return ok(`v${calls}`);
    };
    const { r, ctl } = setup(loader);
    const first = r.reload('a');
    await new Promise((res) => setImmediate(res));
    const second = r.reload('b');
    const third = r.reload('c');
    expect(second).toBe(third);
    release();
    await Promise.all([first, second, third]);
    expect(calls).toBe(2);
    expect(ctl.last).toEqual(['v2']); // the later read wins
  });

  it('a loader that throws becomes a problem condition, and the last good set stays', async () => {
    let fail = false;
    const { r, ctl } = setup(async () => {
      if (fail) throw new Error('EACCES: permission denied, scandir /m');
      return ok('a');
    });
    await r.reload('startup');
    fail = true;
    await r.reload('change');
    expect(ctl.desired).toHaveLength(1);
    expect(r.loaded).toBe(true);
    expect(r.condition()).toMatchObject({ status: 'False', reason: 'ManifestsInvalid', videos: 1 });
    expect(r.condition().problems[0]!.message).toMatch(/EACCES/);
  });

  it('a controller that throws in setDesired does not reject the reload (no unhandled rejection)', async () => {
    const ctl = new FakeController();
    ctl.setDesired = () => {
      throw new Error('bug');
    };
    const { r } = setup(async () => ok('a'), ctl);
    await expect(r.reload('startup')).resolves.toBeUndefined();
    expect(r.loaded).toBe(false);
    expect(r.condition().reason).toBe('ApplyFailed');
  });

  it('applies only the selected videos', async () => {
    const ctl = new FakeController();
    const r = createReloader({
      paths: ['/m'],
      loader: async () => ok('a', 'b'),
      controller: () => ctl,
      clock: systemClock,
      logger: silentLogger(),
      select: (v) => v.name === 'b',
    });
    await r.reload('startup');
    expect(ctl.last).toEqual(['b']);
    expect(r.condition().videos).toBe(1);
  });

  it('does not hand anything to a controller that is gone (stopping)', async () => {
    const r = createReloader({ paths: ['/m'], loader: async () => ok('a'), controller: () => undefined, clock: systemClock, logger: silentLogger() });
    await r.reload('late');
    expect(r.loaded).toBe(false);
  });
});
