// Issue 17 item 3, end to end: output paths that would destroy another video's output or can never be
// written are refused by apply before anything is paid for.
import { afterEach, describe, expect, it } from 'vitest';
import { videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

const withPath = (name: string, p: string) => videoYaml(name) + `  output:\n    path: ${JSON.stringify(p)}\n`;

describe('hostile output paths', () => {
  it.each([
    [
      'two videos with the same output path',
      { 'a.yaml': withPath('alpha', 'clip.mp4'), 'b.yaml': withPath('beta', 'clip.mp4') },
      /b\.yaml:\d+:\d+: .*already the output of video "alpha"/,
    ],
    [
      "one video's path naming another's sidecar",
      { 'a.yaml': withPath('alpha', 'clip.mp4'), 'b.yaml': withPath('beta', 'clip.mp4.json') },
      /b\.yaml:\d+:\d+: .*\.json sidecar/,
    ],
    ['a 300-byte file name', { 'a.yaml': withPath('alpha', `${'n'.repeat(296)}.mp4`) }, /a\.yaml:\d+:\d+: .*is 300 bytes/],
  ])('%s: apply exits 1 and pays nothing', async (_n, files, message) => {
    w = await workspace();
    for (const [f, t] of Object.entries(files)) w.write(f, t);
    const r = await w.apply();
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(w.sim.stats().accepted).toBe(0);
  });
});
