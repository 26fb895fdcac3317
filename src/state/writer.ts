// Group commit for the state: steps mark what they changed and `flush(name)` when a fact must be durable
// before the next side effect (the intent before a submit). Concurrent flushes share one save.
//
// A save is skipped when nothing really changed: each dirty record's JSON is compared with a digest of
// what is on disk. A small state (under `journalMinVideos`, default 1,000) is then rewritten whole —
// atomically, a few milliseconds. A large one would cost tens of milliseconds per save, so its changed
// records are appended to the journal instead (state/journal.ts): one line and one fsync, whether the state
// holds 1,000 videos or 10,000. When the journal has grown past half the snapshot (at least
// `minCompactBytes`), or when the run ends, the next save is a full snapshot (a compaction) and the
// journal goes away, so a state at rest is always one self-contained file.
import { createHash } from 'node:crypto';
import { encodeState } from './codec.js';
import type { StateFile, StateStore, VideoState } from './model.js';

export interface StateWriterOptions {
  /** Compact once the journal exceeds max(this, snapshot size / 2). Default 1 MiB. */
  minCompactBytes?: number;
  /** Use the journal once the state holds this many videos (default 1,000; 0 = always). */
  journalMinVideos?: number;
}

const DEFAULT_JOURNAL_MIN_VIDEOS = 1000;

export class StateWriter {
  private writing: Promise<void> | undefined;
  /** Saves started, and the number of the last one that ended well (saves run one at a time, in order). */
  private started = 0;
  private completed = 0;
  private pending = false;
  private dirtyNames = new Set<string>();
  private allDirty = false;
  /** name → digest of the record as it is on disk (snapshot + journal). */
  private persisted = new Map<string, string>();
  private needSnapshot: boolean;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private readonly minCompactBytes: number;
  private readonly journalMinVideos: number;
  /** Saves made (snapshots + appends), snapshots alone, and saves skipped because nothing had changed. */
  writes = 0;
  snapshots = 0;
  skipped = 0;

  constructor(
    private readonly store: StateStore,
    readonly state: StateFile,
    opts: StateWriterOptions = {},
  ) {
    this.minCompactBytes = opts.minCompactBytes ?? 1 << 20;
    this.journalMinVideos = opts.journalMinVideos ?? DEFAULT_JOURNAL_MIN_VIDEOS;
    // serial 0: nothing on disk yet, so the first save must be a snapshot.
    this.needSnapshot = state.serial === 0 || !store.append;
    for (const [name, v] of Object.entries(state.videos)) this.persisted.set(name, digest(JSON.stringify(v)));
  }

  /** `name` changed (or everything, when no name is given). */
  markDirty(name?: string): void {
    this.pending = true;
    if (name === undefined) this.allDirty = true;
    else this.dirtyNames.add(name);
  }

  /** A change outside the video records (e.g. the daemon's budget): the next save is a full snapshot. */
  markStateDirty(): void {
    this.needSnapshot = true;
    this.pending = true;
  }

  /**
   * Resolves once every change made before the call is on disk: after a save that STARTED after the call
   * (a save takes its changes when it starts). Callers that come while a save runs share the next one.
   */
  async flush(name?: string): Promise<void> {
    this.markDirty(name);
    const target = this.started + 1; // the next save to start carries this change
    while (this.completed < target) {
      const running = this.writing;
      if (running) {
        const n = this.started;
        try {
          await running;
        } catch (err) {
          if (n >= target) throw err; // our own save failed; one that started before our change is not ours
        }
        continue;
      }
      const n = ++this.started;
      this.pending = false;
      this.writing = this.save();
      try {
        await this.writing; // the starter awaited first, so it resumes before the callers that came later
        this.completed = n;
      } finally {
        this.writing = undefined;
      }
    }
  }

  /** Flush only when something changed (periodic / shutdown). */
  async flushIfDirty(): Promise<void> {
    if (this.pending || this.writing) await this.flush();
  }

  /** End of a run: fold the journal into one snapshot file (a no-op when there is no journal). */
  async close(): Promise<void> {
    await this.flushIfDirty();
    if (this.journalBytes > 0) {
      this.needSnapshot = true;
      this.pending = true;
      await this.flush();
    }
    await this.store.close?.();
  }

  private async save(): Promise<void> {
    const names = this.allDirty ? new Set([...Object.keys(this.state.videos), ...this.persisted.keys()]) : this.dirtyNames;
    this.allDirty = false;
    this.dirtyNames = new Set();
    try {
      await this.saveNames(names);
    } catch (err) {
      for (const n of names) this.dirtyNames.add(n); // not on disk: the next save carries them again
      this.pending = true;
      throw err;
    }
  }

  private async saveNames(names: ReadonlySet<string>): Promise<void> {
    // A snapshot serializes (and digests) every record anyway.
    const journal = this.store.append !== undefined && Object.keys(this.state.videos).length >= this.journalMinVideos;
    if (this.needSnapshot || (journal && this.journalBytes > Math.max(this.minCompactBytes, this.snapshotBytes / 2))) return this.snapshot();
    const changes = new Map<string, string | null>();
    const digests = new Map<string, string | null>();
    for (const name of names) {
      const v = Object.hasOwn(this.state.videos, name) ? this.state.videos[name] : undefined;
      if (!v) {
        if (this.persisted.has(name)) (changes.set(name, null), digests.set(name, null));
        continue;
      }
      const json = JSON.stringify(v);
      const d = digest(json);
      if (this.persisted.get(name) !== d) (changes.set(name, json), digests.set(name, d));
    }
    if (changes.size === 0) {
      this.skipped++;
      return;
    }
    if (!journal || !this.store.append) return this.snapshot();
    const r = await this.store.append(changes);
    this.state.serial = r.serial;
    this.journalBytes = r.journalBytes;
    this.writes++;
    for (const [name, d] of digests)
      if (d === null) this.persisted.delete(name);
      else this.persisted.set(name, d);
  }

  private async snapshot(): Promise<void> {
    const persisted = new Map<string, string>();
    let bytes = 0;
    const w = await this.store.write(this.state, {
      encode: (s) => {
        const text = encodeSnapshot(s, persisted);
        bytes = text.length;
        return text;
      },
    });
    this.state.serial = w.serial;
    this.persisted = persisted;
    this.snapshotBytes = bytes;
    this.journalBytes = 0;
    this.needSnapshot = false;
    this.writes++;
    this.snapshots++;
  }
}

/** The whole state, filling `digests` with each record's digest on the way. */
function encodeSnapshot(s: StateFile, digests: Map<string, string>): string {
  const entries = Object.entries(s.videos);
  if (entries.length <= 500) {
    for (const [name, v] of entries) digests.set(name, digest(JSON.stringify(v)));
    return encodeState(s); // small: pretty, for people
  }
  const parts: string[] = [];
  for (const [name, v] of entries) {
    const json = JSON.stringify(v satisfies VideoState);
    digests.set(name, digest(json));
    parts.push(`${JSON.stringify(name)}:${json}`);
  }
  const { videos: _videos, ...top } = s; // every top-level field (version, serial, lineage, budget …), then the videos
  return `${JSON.stringify(top).slice(0, -1)},"videos":{${parts.join(',')}}}\n`;
}

function digest(json: string): string {
  return createHash('sha1').update(json).digest('base64');
}
