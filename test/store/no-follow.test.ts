// Issue 17 item 3: no write follows a symlink. A link planted at a temp name (the sidecar's
// `<output>.json.tmp-<pid>`, a download's `.part`), at the journal or at the event log never makes reelctl
// write outside --out or the state directory, and never turns a file of ours into a link.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from '../../src/reconcile/event-log.js';
import { sample } from '../../src/provider/sim/video-files.js';
import { FileStateStore } from '../../src/state/file-store.js';
import { journalPath } from '../../src/state/journal.js';
import { emptyState, newVideoState } from '../../src/state/transitions.js';
import { ArtifactStore } from '../../src/store/artifacts.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** root/out (--out), root/victim.txt outside it. */
function setup() {
  dir = mkdtempSync(path.join(tmpdir(), 'reelctl-nofollow-'));
  const out = path.join(dir, 'out');
  mkdirSync(out);
  const victim = path.join(dir, 'victim.txt');
  writeFileSync(victim, 'precious\n');
  return { out, victim };
}

describe('no write follows a symlink', () => {
  it('a symlink planted at the sidecar temp name: nothing outside --out is written, the sidecar is a regular file', async () => {
    const { out, victim } = setup();
    symlinkSync(victim, path.join(out, `clip.mp4.json.tmp-${process.pid}`));
    await new ArtifactStore(out, async () => {
      throw new Error('no download here');
    }).writeSidecar('clip.mp4', { sha256: 'x' });
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    const side = path.join(out, 'clip.mp4.json');
    expect(lstatSync(side).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(side, 'utf8'))).toEqual({ sha256: 'x' });
    expect(existsSync(path.join(out, `clip.mp4.json.tmp-${process.pid}`))).toBe(false);
  });

  it('a symlink planted at the .part name: the download never writes through it', async () => {
    const { out, victim } = setup();
    symlinkSync(victim, path.join(out, 'clip.mp4.part'));
    const mp4 = sample('mp4');
    await new ArtifactStore(out, async () => ({
      status: 200,
      contentLength: mp4.length,
      body: (async function* () {
        yield mp4;
      })(),
    })).download('u', 'clip.mp4', 'mp4');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(path.join(out, 'clip.mp4')).isFile()).toBe(true);
  });

  it('a symlink at the journal or the event log: refused, the target untouched', async () => {
    const { out, victim } = setup();
    const file = path.join(out, 'state.json');
    const store = new FileStateStore(file);
    const v = newVideoState({ name: 'a', specHash: 'sha256:1', regenerate: 0, outputPath: 'a.mp4' }, 0);
    await store.write({ ...emptyState('lin'), videos: { a: v } });
    await store.append(new Map([['a', JSON.stringify({ ...v, message: 'one' })]]));
    await store.close();
    // The journal moved outside and linked back: it reads, but the next append does not write through the link.
    const outsideJournal = path.join(path.dirname(out), 'journal-elsewhere');
    renameSync(journalPath(file), outsideJournal);
    symlinkSync(outsideJournal, journalPath(file));
    const before = readFileSync(outsideJournal, 'utf8');
    const reopened = new FileStateStore(file);
    expect((await reopened.read())!.videos.a!.message).toBe('one');
    await expect(reopened.append(new Map([['a', JSON.stringify({ ...v, message: 'two' })]]))).rejects.toMatchObject({ code: 'ELOOP' });
    expect(readFileSync(outsideJournal, 'utf8')).toBe(before);

    const log = new EventLog(path.join(out, 'events.jsonl'));
    symlinkSync(victim, path.join(out, 'events.jsonl'));
    log.append({ type: 'phase', name: 'a', from: 'Pending', to: 'Ready', at: 0 } as never);
    await log.flush();
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });
});
