// The state file on disk (Terraform statemgr style): atomic replace, previous version kept as
// `<file>.backup`, serial + lineage guarded. Every fs call goes through an injectable layer so tests can
// fail the write at any step and check that the old or the new file is left — never a torn one.
import { randomBytes, randomUUID } from 'node:crypto';
import * as nodeFs from 'node:fs/promises';
import path from 'node:path';
import { StateError } from '../errors.js';
import { failpoint } from '../failpoints.js';
import { decodeState, encodeState } from './codec.js';
import { acquireLock } from './lock.js';
import type { StateFile, StateLock, StateStore, WriteOptions } from './model.js';

export type StateFs = Pick<typeof nodeFs, 'open' | 'rename' | 'link' | 'unlink' | 'mkdir' | 'readFile'>;

export class FileStateStore implements StateStore {
  private lastSerial: number | undefined;
  private lineage: string | undefined;

  constructor(
    readonly file: string,
    private readonly fs: StateFs = nodeFs,
  ) {}

  async read(): Promise<StateFile | null> {
    let text: string;
    try {
      text = await this.fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new StateError(`cannot read state file ${this.file}: ${(err as Error).message}`, { code: 'state.unreadable', cause: err });
    }
    const state = decodeState(text, this.file);
    this.lastSerial = state.serial;
    this.lineage = state.lineage;
    return state;
  }

  async write(next: StateFile, opts: WriteOptions = {}): Promise<StateFile> {
    if (this.lastSerial === undefined) await this.read();
    if (this.lineage !== undefined && next.lineage !== this.lineage)
      throw new StateError(`refusing to write state of lineage ${next.lineage} over ${this.file} (lineage ${this.lineage})`, { code: 'state.lineage' });
    const written: StateFile = { ...next, serial: Math.max(this.lastSerial ?? 0, next.serial) + 1 };
    const dir = path.dirname(this.file);
    await this.fs.mkdir(dir, { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const fh = await this.fs.open(tmp, 'wx', 0o600);
    try {
      try {
        await fh.writeFile((opts.encode ?? encodeState)(written));
        await fh.sync();
      } finally {
        await fh.close();
      }
      failpoint('during-state-write');
    } catch (err) {
      await this.fs.unlink(tmp).catch(() => undefined); // the old state stays in place, untouched
      throw err;
    }
    await this.keepBackup();
    await this.fs.rename(tmp, this.file);
    await syncDir(dir, this.fs);
    this.lastSerial = written.serial;
    this.lineage = written.lineage;
    return written;
  }

  /** The current file becomes the backup by hard link: O(1) whatever the state's size. */
  private async keepBackup(): Promise<void> {
    const backup = `${this.file}.backup`;
    const tmpLink = `${backup}.tmp-${process.pid}`;
    try {
      await this.fs.unlink(tmpLink).catch(() => undefined);
      await this.fs.link(this.file, tmpLink);
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
