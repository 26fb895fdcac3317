// `reelctl state migrate --json` (the built CLI): the result on stdout for scripts; without it, the one
// line for people stays on stderr and stdout stays empty.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStateStore } from '../../src/state/file-store.js';
import { emptyState, newVideoState } from '../../src/state/transitions.js';
import { tempDirs } from '../tmp-dirs.js';
import { reelctl } from './cli.js';

const tmp = tempDirs();

async function stateWithOneVideo(file: string): Promise<void> {
  const s = emptyState('lin-migrate-json');
  s.videos.v = newVideoState({ name: 'v', specHash: 'sha256:' + 'a'.repeat(64), regenerate: 0, outputPath: 'v.mp4' }, Date.parse('2026-01-01T00:00:00Z'));
  await new FileStateStore(file).write(s);
}

describe('reelctl state migrate --json', () => {
  it('prints {"version":1,"migrated":{…}} on stdout and nothing on stderr', async () => {
    const d = tmp('reelctl-e2e-migrate-');
    const from = path.join(d, 'a.json');
    const to = path.join(d, 'b.json');
    await stateWithOneVideo(from);
    const r = await reelctl(['state', 'migrate', '--from', from, '--to', to, '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ version: 1, migrated: { videos: 1, serial: expect.any(Number) as number, from, to } });
  });

  it('without --json: one line on stderr, stdout empty', async () => {
    const d = tmp('reelctl-e2e-migrate-');
    const from = path.join(d, 'a.json');
    await stateWithOneVideo(from);
    const r = await reelctl(['state', 'migrate', '--from', from, '--to', path.join(d, 'b.json')]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^migrated 1 video\(s\) from .*a\.json to .*b\.json \(serial \d+\); .*a\.json is unchanged/);
  });
});
