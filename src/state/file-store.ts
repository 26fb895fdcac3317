// The state file on disk (Terraform statemgr style): atomic replace, previous version kept as
// `<file>.backup`, serial + lineage guarded. Every fs call goes through an injectable layer so tests can
// fail the write at any step and check that the old or the new file is left — never a torn one.
// Small saves go to the journal beside it (journal.ts): `append` writes only the changed records;
// `write` is the full snapshot (a compaction) and removes the journal it folded in.
import { randomBytes, randomUUID } from 'node:crypto';
import { constants as nodeConstants } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import path from 'node:path';
import { StateError } from '../errors.js';
import { failpoint } from '../failpoints.js';
import { checkRecordsForWrite, checkStateForWrite, decodeState, decodeStateObject, encodeState } from './codec.js';
import { applyJournal, journalHeader, journalPath, journalRecord } from './journal.js';
import { acquireLock } from './lock.js';
import type { AppendResult, StateFile, StateLock, StateStore, WriteOptions } from './model.js';

export type StateFs = Pick<typeof nodeFs, 'open' | 'rename' | 'link' | 'unlink' | 'mkdir' | 'readFile'>;

/** Where the next append goes: continue the journal read at start-up, or start a new one. */
type JournalTail = { kind: 'fresh' } | { kind: 'continue'; validBytes: number; torn: boolean };

export class FileStateStore implements StateStore {
  private lastSerial: number | undefined;
  private lineage: string | undefined;
  private hasSnapshot = false;
  private tail: JournalTail = { kind: 'fresh' };
  private journal: { fh: nodeFs.FileHandle; bytes: number; needsTruncate: boolean } | undefined;
  /** The state's directory was made by this store (saves after the first skip the mkdir). */
  private dirMade = false;
  /** A journal file may be on disk: not known yet, read one, or opened one since the last removal. */
  private journalMayExist = true;
  readonly journalFile: string;

  constructor(
    readonly file: string,
    private readonly fs: StateFs = nodeFs,
  ) {
    this.journalFile = journalPath(file);
  }

  /** The state as of the last acknowledged save: the snapshot with its journal applied. */
  async read(): Promise<StateFile | null> {
    // A reader without the lock can race a compaction (new snapshot + new journal between our two
    // reads): the journal then starts after our snapshot, and reading both again settles it.
    for (let attempt = 1; ; attempt++) {
      const text = await this.readText(this.file);
      if (text === undefined) {
        if ((await this.readText(this.journalFile)) !== undefined)
          throw new StateError(
            `found the state journal ${this.journalFile} but no state file ${this.file}; restore ${this.file} (or its .backup), or move the journal away to start from an empty state`,
            { code: 'state.corrupt' },
          );
        // Nothing on disk: the first save does not look again (apply and the daemon read under the lock, and
        // nobody else writes the state), nor back up or unlink files that are not there — four fewer steps
        // before the first submit, each waiting its turn behind the start-up's other work.
        this.lastSerial = 0;
        this.journalMayExist = false;
        return null;
      }
      const snapshot = decodeState(text, this.file);
      const journalText = await this.readText(this.journalFile);
      this.journalMayExist = journalText !== undefined;
      const r = applyJournal(snapshot, journalText ?? '');
      if (r.kind === 'ahead' && attempt < 5) continue;
      if (r.kind === 'ahead' || r.kind === 'corrupt') {
        const why = r.kind === 'ahead' ? `it continues serial ${r.base}, but the state file is at serial ${snapshot.serial}` : `line ${r.line}: ${r.why}`;
        throw new StateError(
          `state journal ${this.journalFile} is unusable: ${why}. Both files were left untouched; move the journal away to fall back to the state file (recent changes are then lost), or restore both from a backup.`,
          { code: 'state.corrupt' },
        );
      }
      const state = r.kind === 'applied' && r.records > 0 ? decodeStateObject(r.state, `${this.file} + ${this.journalFile}`) : snapshot;
      this.lastSerial = state.serial;
      this.lineage = state.lineage;
      this.hasSnapshot = true;
      this.tail = r.kind === 'applied' ? { kind: 'continue', validBytes: r.validBytes, torn: r.tornBytes > 0 } : { kind: 'fresh' };
      return state;
    }
  }

  private async readText(file: string): Promise<string | undefined> {
    try {
      return await this.fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateError(`cannot read state file ${file}: ${(err as Error).message}`, { code: 'state.unreadable', cause: err });
    }
  }

  /**
   * Appends one save (the changed records, already serialized) to the journal and fsyncs it. Needs a
   * snapshot on disk (the first save is always a `write`). Returns the new serial and the journal's size,
   * so the caller can decide when to compact.
   */
  async append(changes: ReadonlyMap<string, string | null>): Promise<AppendResult> {
    if (this.lastSerial === undefined) await this.read();
    if (!this.hasSnapshot || this.lastSerial === undefined || this.lineage === undefined)
      throw new StateError('the journal needs a state file to follow; write a snapshot first', { code: 'state.no-snapshot' });
    checkRecordsForWrite(changes, this.journalFile); // a record its schema would reject never reaches the disk
    const j = this.journal ?? (this.journal = await this.openJournal(this.lastSerial, this.lineage));
    const serial = this.lastSerial + 1;
    const rec = Buffer.from(journalRecord(serial, changes));
    if (j.needsTruncate) await j.fh.truncate(j.bytes); // a failed append may have left bytes past the end
    j.needsTruncate = true;
    const half = rec.length >> 1;
    await j.fh.write(rec, 0, half, j.bytes);
    failpoint('during-state-write'); // a crash here leaves a torn last line, dropped on read
    await j.fh.write(rec, half, rec.length - half, j.bytes + half);
    await j.fh.datasync();
    j.needsTruncate = false;
    j.bytes += rec.length;
    this.lastSerial = serial;
    return { serial, journalBytes: j.bytes };
  }

  private async openJournal(base: number, lineage: string): Promise<NonNullable<FileStateStore['journal']>> {
    const tail = this.tail;
    if (tail.kind === 'continue') {
      const fh = await this.fs.open(this.journalFile, nodeConstants.O_RDWR | nodeConstants.O_NOFOLLOW); // never through a link
      return { fh, bytes: tail.validBytes, needsTruncate: tail.torn };
    }
    // A stale journal (already folded into the snapshot by a compaction that crashed before removing it)
    // is replaced; `wx` makes sure nobody else is writing one.
    await this.unlinkIfExists(this.journalFile);
    this.journalMayExist = true;
    const fh = await this.fs.open(this.journalFile, 'wx', 0o600);
    try {
      const header = Buffer.from(journalHeader(lineage, base));
      await fh.write(header, 0, header.length, 0);
      await fh.sync();
      await syncDir(path.dirname(this.journalFile), this.fs); // the journal's name is durable too
      this.tail = { kind: 'continue', validBytes: header.length, torn: false };
      return { fh, bytes: header.length, needsTruncate: false };
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err;
    }
  }

  /** Closes the journal's file handle (the journal itself stays until the next compaction). */
  async close(): Promise<void> {
    const j = this.journal;
    this.journal = undefined;
    if (j) {
      this.tail = { kind: 'continue', validBytes: j.bytes, torn: j.needsTruncate };
      await j.fh.close();
    }
  }

  async write(next: StateFile, opts: WriteOptions = {}): Promise<StateFile> {
    if (this.lastSerial === undefined) await this.read();
    if (this.lineage !== undefined && next.lineage !== this.lineage)
      throw new StateError(`refusing to write state of lineage ${next.lineage} over ${this.file} (lineage ${this.lineage})`, { code: 'state.lineage' });
    const written: StateFile = { ...next, serial: Math.max(this.lastSerial ?? 0, next.serial) + 1 };
    checkStateForWrite(written, this.file); // before anything is touched: the state and its backup stay as they are
    const dir = path.dirname(this.file);
    const tmp = `${this.file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const fh = await this.openTemp(tmp, dir);
    try {
      try {
        for (const piece of opts.encode ? opts.encode(written) : [encodeState(written)]) await fh.write(piece);
        await fh.sync();
      } finally {
        await fh.close();
      }
      failpoint('during-state-write');
    } catch (err) {
      await this.fs.unlink(tmp).catch(() => undefined); // the old state stays in place, untouched
      throw err;
    }
    if (this.hasSnapshot) await this.keepBackup(); // else there is no state file to keep (read() found none)
    await this.fs.rename(tmp, this.file);
    await syncDir(dir, this.fs);
    this.lastSerial = written.serial;
    this.lineage = written.lineage;
    this.hasSnapshot = true;
    await this.dropJournal();
    return written;
  }

  /**
   * The temp file of a snapshot, its directory made by the first save only (every save's fs steps wait in
   * line behind the downloads' at the end of a large run: one fewer counts). A directory removed since is made again.
   */
  private async openTemp(tmp: string, dir: string): Promise<nodeFs.FileHandle> {
    if (!this.dirMade) {
      await this.fs.mkdir(dir, { recursive: true });
      this.dirMade = true;
    }
    return this.fs.open(tmp, 'wx', 0o600).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      await this.fs.mkdir(dir, { recursive: true });
      return this.fs.open(tmp, 'wx', 0o600);
    });
  }

  /** After a snapshot: the journal is folded in. Losing this unlink to a crash is harmless (a stale journal is ignored). */
  private async dropJournal(): Promise<void> {
    const j = this.journal;
    this.journal = undefined;
    this.tail = { kind: 'fresh' };
    await j?.fh.close().catch(() => undefined);
    if (!this.journalMayExist) return; // none read, none opened since the last removal
    await this.unlinkIfExists(this.journalFile);
    this.journalMayExist = false;
  }

  private async unlinkIfExists(file: string): Promise<void> {
    await this.fs.unlink(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** The current file becomes the backup by hard link: O(1) whatever the state's size. */
  private async keepBackup(): Promise<void> {
    const backup = `${this.file}.backup`;
    const tmpLink = `${backup}.tmp-${process.pid}`;
    try {
      // A leftover link of a crashed save is in the way only then: removed on EEXIST, not before every save.
      await this.fs.link(this.file, tmpLink).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
        await this.fs.unlink(tmpLink).catch(() => undefined);
        await this.fs.link(this.file, tmpLink);
      });
      await this.fs.rename(tmpLink, backup);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  lock(command?: string): Promise<StateLock> {
    return acquireLock(`${this.file}.lock`, command);
  }
}

async function syncDir(dir: string, fs: StateFs): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function newLineage(): string {
  return randomUUID();
}
