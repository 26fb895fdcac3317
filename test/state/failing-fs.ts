// A StateFs whose `failAt`-th call fails with EIO (as a crash or a failing disk would), counting every
// fs step a state write or a journal append takes: open, rename, link, unlink, mkdir, and on a file
// handle write/writeFile (split in two halves, a torn write)/sync/datasync/truncate. readFile never fails.
// `fired` says whether the fault happened: a loop over `failAt` must know when it ran out of steps.
import * as fs from 'node:fs/promises';
import type { StateFs } from '../../src/state/file-store.js';

const HANDLE_STEPS = new Set<PropertyKey>(['write', 'sync', 'datasync', 'truncate']);

export function failingFs(failAt: number): StateFs & { readonly fired: boolean } {
  let calls = 0;
  const boom = () => {
    if (calls++ === failAt) throw Object.assign(new Error('injected crash'), { code: 'EIO' });
  };
  const fs_: StateFs = {
    open: (async (...a: Parameters<typeof fs.open>) => {
      boom();
      const fh = await fs.open(...a);
      return new Proxy(fh, {
        get(t, k) {
          const val = Reflect.get(t, k);
          if (k === 'writeFile')
            return async (data: string) => {
              boom();
              await t.writeFile(data.slice(0, data.length >> 1));
              boom();
              await t.writeFile(data.slice(data.length >> 1));
            };
          if (HANDLE_STEPS.has(k))
            return async (...args: unknown[]) => {
              boom();
              return (val as (...x: unknown[]) => unknown).apply(t, args);
            };
          return typeof val === 'function' ? val.bind(t) : val;
        },
      });
    }) as StateFs['open'],
    rename: async (a, b) => {
      boom();
      await fs.rename(a, b);
    },
    link: async (a, b) => {
      boom();
      await fs.link(a, b);
    },
    unlink: async (a) => {
      boom();
      await fs.unlink(a);
    },
    mkdir: (async (a: string, o: object) => {
      boom();
      return fs.mkdir(a, o);
    }) as StateFs['mkdir'],
    readFile: fs.readFile,
  };
  return Object.defineProperty(fs_, 'fired', { get: () => calls > failAt }) as StateFs & { readonly fired: boolean };
}
