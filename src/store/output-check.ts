// Checking recorded outputs against the disk (drift): missing, or modified by hand.
// Cheap by default (issue 19 item 5): an output record keeps the size, mtime (ns) and inode its file had
// when its sha256 was last verified (`seen`); a file that still shows those is taken as intact without
// reading it. The full sha256 runs when they differ (then a touched but intact file is only hashed once:
// the caller records the new `seen`), for records from older states without them, and always with
// `--verify-outputs` — the one way to catch an edit that kept size, mtime and inode.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { OutputStatus } from '../plan/planner.js';
import type { OutputRecord, OutputSeen, StateFile } from '../state/model.js';

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface CheckOptions {
  /** Hash every file whatever its stat says (`--verify-outputs`). */
  verify?: boolean;
  /** The hasher (tests count its calls); default sha256File. */
  hash?: (file: string) => Promise<string>;
  /**
   * Remember a file found intact for a later look in this process (default true: the plan's look, which
   * records nothing). The controller passes false: it records `seen` in the state, which serves the same
   * purpose, and the daemon's start-up pass would otherwise fill the table with one entry per output (issue 19).
   */
  remember?: boolean;
}

export interface OutputCheck {
  status: OutputStatus;
  /** The file's stat now, when it is intact: what the record should keep as `seen`. */
  seen?: OutputSeen;
}

type Checked = Pick<OutputRecord, 'path' | 'sha256' | 'bytes' | 'seen'>;

/**
 * Files found intact in this process, by path, size, mtime (ns) and inode: `apply` checks every output for its
 * plan and the controller checks them again on their first step; the second look is then a stat, not a hash.
 */
const verified = new Map<string, string>();

export const sameSeen = (a: OutputSeen | undefined, b: OutputSeen | undefined) => !!a && !!b && a.mtimeNs === b.mtimeNs && a.ino === b.ino;

export async function inspectOutput(outDir: string, o: Checked, opts: CheckOptions = {}): Promise<OutputCheck> {
  const file = path.resolve(outDir, o.path);
  try {
    const st = await stat(file, { bigint: true });
    if (!st.isFile()) return { status: 'missing' };
    if (st.size !== BigInt(o.bytes)) return { status: 'modified' };
    const seen = { mtimeNs: st.mtimeNs.toString(), ino: st.ino.toString() };
    const memo = `${o.sha256}|${st.size}|${st.mtimeNs}|${st.ino}`;
    if (!opts.verify && (sameSeen(o.seen, seen) || verified.get(file) === memo)) return { status: 'ok', seen };
    const ok = (await (opts.hash ?? sha256File)(file)) === o.sha256;
    if (!ok) return { status: 'modified' };
    if (opts.remember === false) return { status: 'ok', seen };
    if (verified.size >= 100_000) verified.clear();
    verified.set(file, memo);
    return { status: 'ok', seen };
  } catch {
    return { status: 'missing' };
  }
}

export async function checkOutput(outDir: string, o: Checked, opts: CheckOptions = {}): Promise<OutputStatus> {
  return (await inspectOutput(outDir, o, opts)).status;
}

/** The stat to record for a file just written (a download): its `seen`. */
export async function seenNow(outDir: string, rel: string): Promise<OutputSeen | undefined> {
  try {
    const st = await stat(path.resolve(outDir, rel), { bigint: true });
    return { mtimeNs: st.mtimeNs.toString(), ino: st.ino.toString() };
  } catch {
    return undefined;
  }
}

/** Status of every recorded output, keyed by path relative to --out; checked 8 at a time. */
export async function checkAllOutputs(outDir: string, state: StateFile | null, opts: CheckOptions = {}): Promise<Map<string, OutputStatus>> {
  const all = Object.values(state?.videos ?? {}).flatMap((v) => v.outputs);
  const result = new Map<string, OutputStatus>();
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const o = all[next++]!;
      result.set(o.path, await checkOutput(outDir, o, opts));
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, all.length) }, worker));
  return result;
}
