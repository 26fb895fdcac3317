// Timing and memory helpers for side-by-side measurements.
export interface Summary {
  min: number;
  median: number;
  max: number;
  samples: number[];
}

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s.at(-1)!, samples };
}

export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Runs a and b alternately `repeats` times (after a warm-up of each) so noise hits both alike. */
export async function sideBySide(a: () => Promise<unknown>, b: () => Promise<unknown>, repeats: number): Promise<{ a: Summary; b: Summary; ratio: Summary }> {
  await a();
  await b();
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    as.push(await timeMs(a));
    bs.push(await timeMs(b));
  }
  return { a: summarize(as), b: summarize(bs), ratio: summarize(as.map((x, i) => x / bs[i]!)) };
}

/** Peak RSS (bytes) while fn runs, sampled every 10 ms. */
export async function peakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peak: number; before: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peak, before };
  } finally {
    clearInterval(t);
  }
}

export const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
export const MB = 1024 * 1024;

export interface CpuWall {
  /** CPU seconds of the whole process (user + sys, every thread) in ms. */
  cpuMs: number;
  wallMs: number;
}

export async function cpuWall(fn: () => Promise<unknown>): Promise<CpuWall> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const c = process.cpuUsage(c0);
  return { cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0 };
}

/**
 * Like sideBySide, counting CPU (user + sys of every thread, so a worker's share is included) beside wall
 * time: a run on two cores can tie on wall time while spending twice the CPU (issue 19).
 */
export async function cpuSideBySide(a: () => Promise<unknown>, b: () => Promise<unknown>, repeats: number, before?: () => Promise<void>) {
  await before?.();
  await a();
  await b();
  const as: CpuWall[] = [];
  const bs: CpuWall[] = [];
  for (let i = 0; i < repeats; i++) {
    await before?.();
    as.push(await cpuWall(a));
    bs.push(await cpuWall(b));
  }
  return {
    cpu: { a: summarize(as.map((x) => x.cpuMs)), b: summarize(bs.map((x) => x.cpuMs)), ratio: summarize(as.map((x, i) => x.cpuMs / bs[i]!.cpuMs)) },
    wall: { a: summarize(as.map((x) => x.wallMs)), b: summarize(bs.map((x) => x.wallMs)), ratio: summarize(as.map((x, i) => x.wallMs / bs[i]!.wallMs)) },
  };
}
