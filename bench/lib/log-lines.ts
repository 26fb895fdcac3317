// What the benches read from a daemon's log (text or `--log-format json`): the line a video's Ready writes,
// `NAME: ready ($COST)` (src/cli/progress-log.ts; test/bench/log-lines.test.ts checks the two agree).
export const isReadyLine = (line: string): boolean => line.includes(': ready (');

/** Counts the Ready lines of a child's output as it arrives (no rescanning of megabytes of log). */
export function readyCounter(stream: NodeJS.ReadableStream): () => number {
  let count = 0;
  let partial = '';
  stream.on('data', (b: Buffer) => {
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (isReadyLine(l)) count++;
  });
  return () => count;
}
