// The Runware API key: from RUNWARE_API_KEY or a file named by RUNWARE_API_KEY_FILE (container secrets).
// Surrounding whitespace (the newline `echo` leaves in a file) is trimmed; empty is an error, and so is a
// key that cannot be an HTTP header value (a second line, a space, a control character): fetch would
// refuse it inside every request, which looks like a network failure and was retried forever.
// Registered as a secret so no log line, error or metric can carry it.
import { readFileSync } from 'node:fs';
import { ReelctlError } from '../../errors.js';
import { registerSecret } from '../../log.js';

export const DEFAULT_API_URL = 'https://api.runware.ai/v1';

export function resolveApiKey(env: NodeJS.ProcessEnv = process.env): string | undefined {
  let key: string | undefined;
  if (env.RUNWARE_API_KEY_FILE) {
    try {
      key = readFileSync(env.RUNWARE_API_KEY_FILE, 'utf8').trim();
    } catch (err) {
      throw new ReelctlError(`cannot read RUNWARE_API_KEY_FILE ${env.RUNWARE_API_KEY_FILE}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { code: 'config.key-file' });
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
  const what = c === 0x0a || c === 0x0d ? 'a line break (a second line?)' : c === 0x20 || c === 0x09 ? 'whitespace' : c < 0x20 || c === 0x7f ? 'a control character' : 'a non-ASCII character';
  throw new ReelctlError(`the API key in ${source} contains ${what} at character ${at + 1}: a key is a single token of visible ASCII characters; fix the value and run again`, { code: 'config.key-invalid' });
}

/**
 * Registers every secret the environment holds (the key, the webhook token) before any command runs, so
 * commands that never use them (`status`, `describe`) still redact them from old records. Best effort:
 * resolving and checking the key is resolveApiKey's job.
 */
export function registerEnvSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of ['RUNWARE_API_KEY', 'REELCTL_WEBHOOK_TOKEN']) {
    const v = env[name]?.trim();
    if (v) registerSecret(v);
    const file = env[`${name}_FILE`];
    if (!file) continue;
    try {
      const content = readFileSync(file, 'utf8');
      if (content.length <= 64 * 1024) for (const s of [content.trim(), ...content.split(/\r?\n/).map((l) => l.trim())]) if (s) registerSecret(s);
    } catch {
      // unreadable: nothing to register; a command that needs it says so
    }
  }
}

export function apiUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNWARE_API_URL?.trim() || DEFAULT_API_URL;
}
