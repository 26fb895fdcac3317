// Checking recorded outputs against the disk (drift): missing, or modified by hand (size or sha256).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { OutputStatus } from '../plan/planner.js';
import type { OutputRecord, StateFile } from '../state/model.js';

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function checkOutput(outDir: string, o: Pick<OutputRecord, 'path' | 'sha256' | 'bytes'>): Promise<OutputStatus> {
  const file = path.join(outDir, o.path);
  try {
    const st = await stat(file);
    if (!st.isFile()) return 'missing';
    if (st.size !== o.bytes) return 'modified';
    return (await sha256File(file)) === o.sha256 ? 'ok' : 'modified';
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
