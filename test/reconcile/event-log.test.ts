// The JSONL event log (src/reconcile/event-log.ts): every event, in order; a burst goes out in one append.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ControllerEvent } from '../../src/reconcile/controller-api.js';
import { EventLog } from '../../src/reconcile/event-log.js';
import { tempDirs } from '../tmp-dirs.js';

const tmp = tempDirs();
const ev = (i: number) => ({ type: 'submitted', name: `v${i}`, taskUUID: `t${i}`, estimatedCostUsd: 0.42, at: Date.UTC(2026, 0, 1) }) as ControllerEvent;
const names = (file: string) =>
  readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => (JSON.parse(l) as { name: string }).name);

describe('event log', () => {
  it('events appended together are written in one append, in order; a later burst in the next', async () => {
    const file = path.join(tmp('reelctl-events-'), 'events.jsonl');
    const log = new EventLog(file);
    for (let i = 0; i < 1000; i++) log.append(ev(i));
    await log.flush();
    expect(log.writes).toBe(1); // was one open/write/close per line: ~50,000 for 10,000 new videos
    for (let i = 1000; i < 1010; i++) log.append(ev(i));
    await log.flush();
    expect(log.writes).toBe(2);
    expect(names(file)).toEqual(Array.from({ length: 1010 }, (_, i) => `v${i}`));
  });

  it('rotates to events.jsonl.1 past maxBytes, losing no event', async () => {
    const file = path.join(tmp('reelctl-events-'), 'events.jsonl');
    const log = new EventLog(file, 500);
    for (let i = 0; i < 3; i++) log.append(ev(i));
    await log.flush();
    for (let i = 3; i < 6; i++) log.append(ev(i));
    await log.flush();
    expect(existsSync(file + '.1')).toBe(true);
    expect([...names(file + '.1'), ...names(file)]).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
  });
});
