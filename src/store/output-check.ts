// Checking recorded outputs against the disk (drift): missing, or modified by hand (size or sha256).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { OutputStatus } from '../plan/planner.js';
import type { OutputRecord, StateFile } from '../state/model.js';

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Files found intact in this process, by path, size, mtime (ns) and inode: `apply` checks every output for its
 * plan and the controller checks them again on their first step; the second look is then a stat, not a hash.
 */
const verified = new Map<string, string>();

export async function checkOutput(outDir: string, o: Pick<OutputRecord, 'path' | 'sha256' | 'bytes'>): Promise<OutputStatus> {
  const file = path.resolve(outDir, o.path);
  try {
    const st = await stat(file, { bigint: true });
    if (!st.isFile()) return 'missing';
    if (st.size !== BigInt(o.bytes)) return 'modified';
    const seen = `${o.sha256}|${st.size}|${st.mtimeNs}|${st.ino}`;
    if (verified.get(file) === seen) return 'ok';
    const ok = (await sha256File(file)) === o.sha256;
    if (ok) {
      if (verified.size >= 100_000) verified.clear();
      verified.set(file, seen);
    }
    return ok ? 'ok' : 'modified';
  } catch {
    return 'missing';
  }
}

/** Status of every recorded output, keyed by path relative to --out. */
export async function checkAllOutputs(outDir: string, state: StateFile | null): Promise<Map<string, OutputStatus>> {
  const result = new Map<string, OutputStatus>();
  for (const v of Object.values(state?.videos ?? {})) for (const o of v.outputs) result.set(o.path, await checkOutput(outDir, o));
  return result;
}
