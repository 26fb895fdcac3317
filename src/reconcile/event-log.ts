// The JSONL event log beside the state file: one ControllerEvent per line, appended in order,
// rotated to `events.jsonl.1` past a size so it never grows without bound.
import { constants } from 'node:fs';
import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { scrub } from '../text/secrets.js';
import type { ControllerEvent } from './controller-api.js';

/** Appends never follow a symlink planted at the log's name. */
const APPEND_NO_FOLLOW = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

export class EventLog {
  private chain: Promise<void> = Promise.resolve();
  private size = -1;
  /** Lines appended since the last write started: they go out together, in one append (one open, write, close). */
  private pending: string[] = [];
  /** Appends made (each carries every line pending when it started). */
  writes = 0;

  constructor(
    readonly file: string,
    private readonly maxBytes = 10 * 1024 * 1024,
  ) {}

  append(e: ControllerEvent): void {
    const line = scrub(JSON.stringify({ ...e, at: new Date(e.at).toISOString() })) + '\n'; // scrub knows JSON-escaped secrets
    this.pending.push(line);
    // One write per burst, not per line: 10,000 videos make ~50,000 events in minutes (issue 19).
    if (this.pending.length === 1) this.chain = this.chain.then(() => this.write(this.pending.splice(0).join(''))).catch(() => undefined);
  }

  flush(): Promise<void> {
    return this.chain;
  }

  private async write(text: string): Promise<void> {
    this.writes++;
    if (this.size < 0) {
      await mkdir(path.dirname(this.file), { recursive: true });
      this.size = await stat(this.file).then(
        (s) => s.size,
        () => 0,
      );
    }
    if (this.size > 0 && this.size + text.length > this.maxBytes) {
      await rename(this.file, this.file + '.1').catch(() => undefined);
      this.size = 0;
    }
    await appendFile(this.file, text, { flag: APPEND_NO_FOLLOW });
    this.size += text.length;
  }
}
