// Group commit for the state: steps mark what they changed and `flush(name)` when a fact must be durable
// before the next side effect (the intent before a submit). Concurrent flushes share one save.
//
// A save is skipped when nothing really changed: each dirty record's JSON is compared with a digest of
// what is on disk. A small state (under `journalMinVideos`, default 100) is then rewritten whole —
// atomically, a few milliseconds. A larger one costs more per save the more videos it holds (200 records:
// ~10 ms of CPU and a rename and directory sync besides the fsync; 10,000: ~65 ms), so its changed records
// are appended to the journal instead (state/journal.ts): one line and one fsync, whether the state holds
// 100 videos or 10,000. When the journal has grown past half the snapshot (at least
// `minCompactBytes`), or when the run ends, the next save is a full snapshot (a compaction) and the
// journal goes away, so a state at rest is always one self-contained file.
//
// A save carries the records asked for (`flush(name)`) and at most BACKLOG_SLICE other dirty ones: the
// daemon's start-up pass marks every record (a drift check each, not flushed), and an intent's save must
// not wait for 50,000 of them (issue 19). The rest is carried a slice at a time by the saves that follow,
// whole by `flush()` and at close — a save that would append more than a quarter of the records (and more
// than 1,000) is a snapshot instead (one file written in pieces, not a journal line as large as the state).
import type { StateFile, StateStore } from './model.js';
import { digest, encodeSnapshot } from './snapshot-pieces.js';

export interface StateWriterOptions {
  /** Compact once the journal exceeds max(this, snapshot size / 2). Default 1 MiB. */
  minCompactBytes?: number;
  /** Use the journal once the state holds this many videos (default 100; 0 = always). */
  journalMinVideos?: number;
}

const DEFAULT_JOURNAL_MIN_VIDEOS = 100;
/** A journal line may carry this many records whatever share of the state they are (~1 KB each). */
const JOURNAL_LINE_RECORDS = 1000;
/** Dirty records a save carries beyond those asked for. */
const BACKLOG_SLICE = 64;

export class StateWriter {
  private writing: Promise<void> | undefined;
  /** Saves started, and the number of the last one that ended well (saves run one at a time, in order). */
  private started = 0;
  private completed = 0;
  private pending = false;
  /** A save has started but not yet taken its changes (it waits one turn of the event loop for more callers). */
  private gathering = false;
  private dirtyNames = new Set<string>();
  /** Of the dirty names, those a flush asked for (the next save carries them all). */
  private asked = new Set<string>();
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
   * Resolves once `name`'s record — every record, without a name — as it stood at the call is on disk: after
   * a save that took its changes after the call (a save takes them one turn of the event loop after it
   * starts, so the callers of that turn share it). Callers that come while a save runs share the next one.
   * Other dirty records ride along a slice at a time (BACKLOG_SLICE).
   */
  async flush(name?: string): Promise<void> {
    this.markDirty(name);
    if (name !== undefined) this.asked.add(name);
    // The next save to take its changes carries this one (a save still gathering has not taken them yet).
    const target = this.gathering ? this.started : this.started + 1;
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
      this.gathering = true;
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
    // With a journal on disk the end is a snapshot whatever is dirty: write it at once, without first comparing
    // the backlog record by record (the daemon's stop after a start-up pass: 50,000 records, seconds of a
    // graceful stop that must end within its deadline).
    if (this.journalBytes > 0 && (this.pending || this.writing)) this.needSnapshot = true;
    await this.flushIfDirty(); // a large backlog (the start-up pass's) is a snapshot itself: nothing left to fold
    if (this.journalBytes > 0) {
      this.needSnapshot = true;
      this.pending = true;
      await this.flush();
    }
    await this.store.close?.();
  }

  private usesJournal(videos: number): boolean {
    return this.store.append !== undefined && videos >= this.journalMinVideos;
  }

  private async save(): Promise<void> {
    await gatherTurn();
    this.gathering = false;
    this.pending = false;
    const asked = this.asked;
    let names: Set<string>;
    if (this.allDirty) {
      names = new Set([...Object.keys(this.state.videos), ...this.persisted.keys()]);
      this.dirtyNames = new Set();
    } else names = this.take();
    this.allDirty = false;
    this.asked = new Set();
    try {
      await this.saveNames(names);
    } catch (err) {
      for (const n of names) this.dirtyNames.add(n); // not on disk: the next save carries them again
      for (const n of asked) this.asked.add(n);
      this.pending = true;
      throw err;
    }
  }

  /** The names this save carries: every one asked for, and at most BACKLOG_SLICE others (the rest stay dirty). */
  private take(): Set<string> {
    const all = this.dirtyNames;
    if (all.size <= this.asked.size + BACKLOG_SLICE) {
      this.dirtyNames = new Set();
      return all;
    }
    const names = new Set(this.asked);
    for (const n of all) {
      if (names.size >= this.asked.size + BACKLOG_SLICE) break;
      names.add(n);
    }
    for (const n of names) all.delete(n);
    this.pending = true; // the rest is carried by a later save
    return names;
  }

  private async saveNames(names: ReadonlySet<string>): Promise<void> {
    // A snapshot serializes (and digests) every record anyway.
    const count = Object.keys(this.state.videos).length; // once per save: ~0.7 ms at 10,000 videos
    const journal = this.usesJournal(count);
    if (this.needSnapshot || (journal && this.journalBytes > Math.max(this.minCompactBytes, this.snapshotBytes / 2))) return this.snapshot();
    const changes = new Map<string, string | null>();
    const digests = new Map<string, string | null>();
    // More than this many changed records: a snapshot (in pieces) costs less than one huge journal line. Up to
    // JOURNAL_LINE_RECORDS an append costs less than a snapshot whatever the share (no rename, no directory
    // sync): 200 renders finishing together in a state of 200 are one line, not a rewrite of the whole file.
    const most = journal ? Math.max(JOURNAL_LINE_RECORDS, count / 4) : Infinity;
    for (const name of names) {
      const v = Object.hasOwn(this.state.videos, name) ? this.state.videos[name] : undefined;
      if (!v) {
        if (this.persisted.has(name)) (changes.set(name, null), digests.set(name, null));
        continue;
      }
      const json = JSON.stringify(v);
      const d = digest(json);
      if (this.persisted.get(name) !== d) (changes.set(name, json), digests.set(name, d));
      if (changes.size > most) return this.snapshot();
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
    // Cleared before the write: a change made while it is written asks for the next one. Every record is
    // written as it stands when its piece is taken, so the dirty backlog is carried too.
    this.needSnapshot = false;
    const backlog = this.dirtyNames;
    this.dirtyNames = new Set();
    let w: StateFile;
    try {
      w = await this.store.write(this.state, {
        encode: function* (s) {
          for (const piece of encodeSnapshot(s, persisted)) {
            bytes += piece.length;
            yield piece;
          }
        },
      });
    } catch (err) {
      this.needSnapshot = true;
      for (const n of backlog) this.dirtyNames.add(n);
      throw err;
    }
    this.state.serial = w.serial;
    this.persisted = persisted;
    this.snapshotBytes = bytes;
    this.journalBytes = 0;
    this.writes++;
    this.snapshots++;
  }
}

/**
 * A save takes its changes one turn of the event loop after the flush that started it, so every flush asked in
 * that turn shares it. Steps woken together (a poll round finding 200 renders finished, a submit batch
 * answered) reach their flush a few promise hops apart: a save that took its changes at once carried the first
 * caller and a slice of the backlog, and the other 199 waited behind it for a second save (~25 ms each).
 */
const gatherTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
