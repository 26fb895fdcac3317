// Issue 19 item 3 (plan peak memory at 50,000 manifests), what a loaded video keeps alive. Videos and plan
// changes of the same shape share one hidden class. Built by spread (`{ ...video, source }`), each one got a map and descriptors of its
// own, ~300 bytes a video at the plan's peak. V8 tells (natives syntax), so this runs the built code in a
// child node with --allow-natives-syntax.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../tmp-dirs.js';
import { ROOT } from './cli.js';
import { generateManifests } from '../../bench/gen/manifests.js';

const tmp = tempDirs();

const script = `
const [dist, dir] = process.argv.slice(1);
const { loadManifests } = await import(dist + '/src/manifest/load.js');
const { createPlan } = await import(dist + '/src/plan/planner.js');
const r = await loadManifests([dir], { cwd: dir });
const changes = createPlan(r.videos, null).changes;
const own = (xs) => xs.filter((x, i) => i > 0 && !%HaveSameMap(xs[i - 1], x)).length;
console.log(JSON.stringify({ videos: r.videos.length, videoMaps: own(r.videos), changes: changes.length, changeMaps: own(changes) }));
`;

describe('hidden classes of loaded videos and plan changes', () => {
  it('200 alike manifests: every video shares the map of the one before, and so does every change', async () => {
    const dir = tmp('reelctl-shapes-');
    await generateManifests(dir, { count: 200, seed: 3 });
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script, path.join(ROOT, 'dist'), dir], {
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ videos: 200, videoMaps: 0, changes: 200, changeMaps: 0 });
  }, 60_000);
});

const retained = `
import { readFileSync, rmSync } from 'node:fs';
import v8 from 'node:v8';
const [dist, dir, snap] = process.argv.slice(1);
const { loadManifests } = await import(dist + '/src/manifest/load.js');
const r = await loadManifests([dir], { cwd: dir });
v8.writeHeapSnapshot(snap);
const s = JSON.parse(readFileSync(snap, 'utf8'));
rmSync(snap);
const texts = s.strings.filter((x) => x.startsWith('apiVersion: reelctl/v1\\nkind: Video\\nmetadata:\\n  name: video-')).length;
console.log(JSON.stringify({ videos: r.videos.length, texts, prompt: r.videos[7].request.positivePrompt.length > 100 }));
`;

describe('what loaded videos keep alive', () => {
  it("not the text of their files (a parser's strings are slices of it): their own strings only", async () => {
    const dir = tmp('reelctl-texts-');
    await generateManifests(dir, { count: 200, seed: 4 });
    const snap = path.join(tmp('reelctl-snap-'), 'load.heapsnapshot');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', retained, path.join(ROOT, 'dist'), dir, snap], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ videos: 200, texts: 0, prompt: true });
  }, 60_000);
});
