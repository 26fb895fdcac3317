// The output directory of scripted runs, in memory: the scripted artifact store writes here and the
// controller's drift check (store/output-check.ts, mocked in the test) reads here, so a run does no real
// I/O and only fake timers move it. Kept free of src imports: the mock factory loads it.
import { createHash } from 'node:crypto';

export const disk = new Map<string, Buffer>();

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** checkOutput's contract (missing, modified by size or sha256, ok) against `disk`. */
export async function checkOutput(_outDir: string, o: { path: string; sha256: string; bytes: number }): Promise<'ok' | 'missing' | 'modified'> {
  const b = disk.get(o.path);
  if (!b) return 'missing';
  return b.length === o.bytes && sha256(b) === o.sha256 ? 'ok' : 'modified';
}

/** inspectOutput's contract against `disk` (no stat to report: the memory disk has no mtime or inode). */
export async function inspectOutput(outDir: string, o: { path: string; sha256: string; bytes: number }): Promise<{ status: 'ok' | 'missing' | 'modified' }> {
  return { status: await checkOutput(outDir, o) };
}

/** seenNow on the memory disk: nothing to record. */
export async function seenNow(): Promise<undefined> {
  return undefined;
}
