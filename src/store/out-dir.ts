// `--out` must be writable before anything is paid for: a render whose file cannot be written is money
// spent for nothing. One probe file (created exclusively, removed at once) answers it for every user —
// permission bits say nothing when running as root, or on a read-only mount.
import { randomBytes } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ReelctlError } from '../errors.js';

const WHY: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'read-only file system', ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded', ENOTDIR: 'a file is in the way of the directory', EEXIST: 'a file is in the way of the directory',
};

export async function checkOutputDir(outDir: string): Promise<void> {
  const probe = path.join(outDir, `.reelctl-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(outDir, { recursive: true });
    const fh = await open(probe, 'wx', 0o600);
    await fh.close();
    await unlink(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ReelctlError(`cannot write to the output directory ${outDir}: ${code} (${WHY[code] ?? 'not writable'}); nothing was submitted — fix it or choose another with --out`, {
      code: `config.out-not-writable`,
      cause: err,
    });
  }
}
