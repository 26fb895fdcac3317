// The Runware API key: from RUNWARE_API_KEY or a file named by RUNWARE_API_KEY_FILE (container secrets).
// Trimmed; empty is an error. Registered as a secret so no log line, error or metric can carry it.
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
    if (!key) throw new ReelctlError(`RUNWARE_API_KEY_FILE ${env.RUNWARE_API_KEY_FILE} is empty`, { code: 'config.key-empty' });
  } else if (env.RUNWARE_API_KEY !== undefined) {
    key = env.RUNWARE_API_KEY.trim();
    if (!key) throw new ReelctlError('RUNWARE_API_KEY is set but empty', { code: 'config.key-empty' });
  }
  if (key) registerSecret(key);
  return key;
}

export function apiUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUNWARE_API_URL?.trim() || DEFAULT_API_URL;
}
