// The Runware API key: from RUNWARE_API_KEY or a file named by RUNWARE_API_KEY_FILE (container secrets).
// Surrounding whitespace (the newline `echo` leaves in a file) is trimmed; empty is an error, and so is a
// key that cannot be an HTTP header value (a second line, a space, a control character): fetch would
// refuse it inside every request, which looks like a network failure and was retried forever.
// Registered as a secret so no log line, error or metric can carry it.
import { readFileSync } from 'node:fs';
import { ReelctlError } from '../../errors.js';
import { registerSecret } from '../../text/secrets.js';

const DEFAULT_API_URL = 'https://api.runware.ai/v1';

export function resolveApiKey(env: NodeJS.ProcessEnv): string | undefined {
  let key: string | undefined;
  if (env.RUNWARE_API_KEY_FILE) {
    try {
      key = readFileSync(env.RUNWARE_API_KEY_FILE, 'utf8').trim();
    } catch (err) {
      throw new ReelctlError(`cannot read RUNWARE_API_KEY_FILE ${env.RUNWARE_API_KEY_FILE}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
        code: 'config.key-file',
      });
    }
    if (key) registerSecret(key); // before the checks below: whatever it holds is never printed
    if (!key) throw new ReelctlError(`RUNWARE_API_KEY_FILE ${env.RUNWARE_API_KEY_FILE} is empty`, { code: 'config.key-empty' });
    checkKey(key, `RUNWARE_API_KEY_FILE (${env.RUNWARE_API_KEY_FILE})`);
  } else if (env.RUNWARE_API_KEY !== undefined) {
    key = env.RUNWARE_API_KEY.trim();
    if (key) registerSecret(key);
    if (!key) throw new ReelctlError('RUNWARE_API_KEY is set but empty', { code: 'config.key-empty' });
    checkKey(key, 'RUNWARE_API_KEY');
  }
  return key;
}

/** A key is one token of visible ASCII; the message says what is wrong and where, never the key itself. */
function checkKey(key: string, source: string): void {
  const chars = [...key];
  const at = chars.findIndex((c) => c < '!' || c > '~');
  if (at < 0) return;
  const c = chars[at]!.codePointAt(0)!;
  const what =
    c === 0x0a || c === 0x0d
      ? 'a line break (a second line?)'
      : c === 0x20 || c === 0x09
        ? 'whitespace'
        : c < 0x20 || c === 0x7f
          ? 'a control character'
          : 'a non-ASCII character';
  throw new ReelctlError(
    `the API key in ${source} contains ${what} at character ${at + 1}: a key is a single token of visible ASCII characters; fix the value and run again`,
    { code: 'config.key-invalid' },
  );
}

export function apiUrl(env: NodeJS.ProcessEnv): string {
  return env.RUNWARE_API_URL?.trim() || DEFAULT_API_URL;
}
