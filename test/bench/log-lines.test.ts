// The benches count Ready videos from the daemon's log: the pattern must match the line progress-log.ts
// writes, in both log formats (the webhooks bench matched an older wording and never saw a video Ready).
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isReadyLine, readyCounter } from '../../bench/lib/log-lines.js';
import { attachLog } from '../../src/cli/progress-log.js';
import { createLogger } from '../../src/log.js';
import type { Controller } from '../../src/reconcile/controller-api.js';

function linesFrom(format: 'text' | 'json'): string[] {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(...chunk.toString().split('\n').filter(Boolean)), cb()) });
  let emit!: (e: unknown) => void;
  const controller = { on: (f: (e: unknown) => void) => ((emit = f), () => undefined) } as unknown as Controller;
  attachLog(controller, createLogger({ format, destination }));
  emit({ type: 'ready', name: 'hook-1', outputs: ['hook-1.mp4'], costUsd: 0.42 });
  emit({ type: 'submitted', name: 'hook-2', taskUUID: 'u', estimatedCostUsd: 0.42 });
  return lines;
}

describe('the Ready line the benches count', () => {
  for (const format of ['text', 'json'] as const)
    it(`matches the daemon's ${format} log line for a Ready video, and no other`, () => {
      const lines = linesFrom(format);
      expect(lines).toHaveLength(2);
      expect(lines.map(isReadyLine)).toEqual([true, false]);
    });

  it('counts lines split across chunks once each', () => {
    const s = new PassThrough();
    const count = readyCounter(s);
    s.write('{"msg":"a: ready ($0.42)"}\n{"msg":"b: rea');
    s.write('dy ($0.42)"}\n{"msg":"c: submitted"}\n');
    expect(count()).toBe(2);
  });
});
