// `--out` must be writable before anything is paid for: a render whose file cannot be written is money
// spent for nothing. One probe file (created exclusively, removed at once) answers it for every user —
// permission bits say nothing when running as root, or on a read-only mount.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { ReelctlError } from '../errors.js';
import { isStale } from '../state/lock.js';

const PREFIX = '.reelctl-probe-';

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a file is in the way of the directory',
  EEXIST: 'a file is in the way of the directory',
};

export async function checkOutputDir(outDir: string): Promise<void> {
  const probe = path.join(outDir, `${PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(outDir, { recursive: true });
    const fh = await open(probe, 'wx', 0o600);
    await fh.close();
    await unlink(probe);
    await sweepDeadProbes(outDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ReelctlError(
      `cannot write to the output directory ${outDir}: ${code} (${WHY[code] ?? 'not writable'}); nothing was submitted — fix it or choose another with --out`,
      {
        code: `config.out-not-writable`,
        cause: err,
      },
    );
  }
}

/**
 * A process killed between creating and removing its probe leaves `.reelctl-probe-<pid>-<hex>` behind; the
 * next check removes such leftovers once their process is provably gone (the stale-lock test, state/lock.ts).
 */
async function sweepDeadProbes(outDir: string): Promise<void> {
  const names = await readdir(outDir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const pid = Number(name.slice(PREFIX.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !isStale({ pid, host: hostname(), since: '' })) continue;
    await unlink(path.join(outDir, name)).catch(() => undefined);
  }
}
