// Group commit for the state file: steps mark what they changed and `flush(name)` when a fact must be
// durable before the next side effect (the intent before a submit). Concurrent flushes share one write,
// and each video's JSON is cached until that video is marked dirty again, so a save costs the changed
// records plus a concatenation — not a full re-serialization of 10,000 videos.
import { encodeState } from '../state/codec.js';
import type { StateFile, StateStore, VideoState } from '../state/model.js';

export class StateWriter {
  private writing: Promise<void> | undefined;
  private pending = false;
  private dirtyNames = new Set<string>();
  private allDirty = true;
  private cache = new Map<string, { obj: VideoState; json: string }>();
  writes = 0;

  constructor(
    private readonly store: StateStore,
    readonly state: StateFile,
  ) {}

  /** `name` changed (or everything, when no name is given). */
  markDirty(name?: string): void {
    this.pending = true;
    if (name === undefined) this.allDirty = true;
    else this.dirtyNames.add(name);
  }

  /** Resolves once every change made before the call is on disk. */
  async flush(name?: string): Promise<void> {
    this.markDirty(name);
    while (this.pending) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      this.pending = false;
      this.writing = this.store.write(this.state, { encode: (s) => this.encode(s) }).then((w) => {
        this.state.serial = w.serial;
        this.writes++;
      });
      try {
        await this.writing;
      } finally {
        this.writing = undefined;
      }
    }
  }

  /** Flush only when something changed (periodic / shutdown). */
  async flushIfDirty(): Promise<void> {
    if (this.pending || this.writing) await this.flush();
  }

  private encode(s: StateFile): string {
    if (Object.keys(s.videos).length <= 500) {
      this.allDirty = false;
      this.dirtyNames.clear();
      this.cache.clear();
      return encodeState(s);
    }
    const parts: string[] = [];
    for (const [name, v] of Object.entries(s.videos)) {
      let c = this.cache.get(name);
      if (!c || c.obj !== v || this.allDirty || this.dirtyNames.has(name)) {
        c = { obj: v, json: JSON.stringify(v) };
        this.cache.set(name, c);
      }
      parts.push(`${JSON.stringify(name)}:${c.json}`);
    }
    this.allDirty = false;
    this.dirtyNames.clear();
    for (const name of this.cache.keys()) if (!(name in s.videos)) this.cache.delete(name);
    return `{"version":${s.version},"serial":${s.serial},"lineage":${JSON.stringify(s.lineage)},"videos":{${parts.join(',')}}}\n`;
  }
}
