// The webhook secret. Runware does not sign its calls: the only secret it can carry is in the URL we hand
// it (`?token=`), so the token is the whole authentication. It comes from REELCTL_WEBHOOK_TOKEN(_FILE), or
// is generated once and kept beside the state (mode 0600) so restarts keep the URLs of renders in flight.
// Rotation: the previous token (REELCTL_WEBHOOK_TOKEN_PREVIOUS(_FILE)) is still accepted for a grace period.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ReelctlError } from '../../errors.js';
import { registerSecret } from '../../text/secrets.js';

export const TOKEN_FILE_NAME = 'webhook-token';

export interface WebhookTokens {
  current: string;
  previous?: string;
  source: 'env' | 'file' | 'generated' | 'kept';
  /** Where a generated token is kept (beside the state). */
  file?: string;
}

/** `optional`: a missing file means "none" (a Secret mounted without its optional `previous` key). */
async function fromEnv(env: NodeJS.ProcessEnv, name: string, optional = false): Promise<string | undefined> {
  const direct = env[name]?.trim();
  if (direct) return direct;
  const file = env[`${name}_FILE`]?.trim();
  if (!file) return undefined;
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (optional && code === 'ENOENT') return undefined;
    throw new ReelctlError(`cannot read ${name}_FILE ${file}: ${code ?? (err as Error).message}`, { code: 'config.webhook-token' });
  }
  if (!text) throw new ReelctlError(`${name}_FILE ${file} is empty`, { code: 'config.webhook-token' });
  return text;
}

/** The token in force, and the previous one during a rotation. Every token is registered for log scrubbing. */
export async function resolveWebhookTokens(env: NodeJS.ProcessEnv, stateFile: string): Promise<WebhookTokens> {
  const previous = await fromEnv(env, 'REELCTL_WEBHOOK_TOKEN_PREVIOUS', true);
  const configured = await fromEnv(env, 'REELCTL_WEBHOOK_TOKEN');
  let tokens: WebhookTokens;
  if (configured) tokens = { current: configured, source: env.REELCTL_WEBHOOK_TOKEN?.trim() ? 'env' : 'file' };
  else {
    const file = path.join(path.dirname(path.resolve(stateFile)), TOKEN_FILE_NAME);
    tokens = { ...(await keptToken(file)), file };
  }
  if (tokens.current.length < 16)
    throw new ReelctlError('the webhook token must be at least 16 characters (it is the only thing authenticating a call)', { code: 'config.webhook-token' });
  if (previous && previous !== tokens.current) tokens.previous = previous;
  registerSecret(tokens.current);
  if (tokens.previous) registerSecret(tokens.previous);
  return tokens;
}

/**
 * Reads the kept token, or creates it: written to a temporary file opened with O_EXCL and mode 0600,
 * flushed, then linked to its name (link fails if the name exists). So the token file is never seen half
 * written, and two processes racing agree on one token.
 */
async function keptToken(file: string): Promise<{ current: string; source: 'generated' | 'kept' }> {
  const read = async () => (await readFile(file, 'utf8')).trim();
  try {
    return { current: await read(), source: 'kept' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const token = randomBytes(32).toString('base64url');
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(token + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, file);
    return { current: token, source: 'generated' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { current: await read(), source: 'kept' }; // another process won the race: use its token
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * A constant-time check: the given token and each accepted one are compared as SHA-256 digests (equal
 * length whatever was sent) with timingSafeEqual, and both comparisons always run. The previous token is
 * accepted until `previousUntil` (a monotonic deadline from `elapsed`); after that only the current one.
 */
export function tokenChecker(tokens: Pick<WebhookTokens, 'current' | 'previous'>, o: { elapsed: () => number; previousUntil: number }) {
  const current = digest(tokens.current);
  const previous = tokens.previous ? digest(tokens.previous) : undefined;
  return (given: string | null | undefined): 'current' | 'previous' | undefined => {
    const d = digest(given ?? '');
    const isCurrent = timingSafeEqual(d, current);
    const isPrevious = previous ? timingSafeEqual(d, previous) : false;
    if (!given) return undefined;
    if (isCurrent) return 'current';
    if (isPrevious && o.elapsed() < o.previousUntil) return 'previous';
    return undefined;
  };
}
