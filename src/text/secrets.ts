// The secrets reelctl must never print (the API key, the webhook token) and the one place text is made safe
// for a terminal: redaction on decoded values, then control characters escaped (escape.ts). No dependency
// beyond node:fs, so the entry point registers the environment's secrets before anything else loads.
import { readFileSync } from 'node:fs';
import { escapeControls, mapStrings } from './escape.js';

const secrets = new Set<string>();

/** Registers a value that must never be printed (min 4 chars to avoid redacting noise). */
export function registerSecret(value: string): void {
  if (value.length < 4) return;
  secrets.add(value);
  // Also its JSON-escaped spelling, for text that is already JSON (an events.jsonl line, a raw body).
  const encoded = JSON.stringify(value).slice(1, -1);
  if (encoded !== value) secrets.add(encoded);
}

/** Replaces every registered secret in `text`. */
export function scrub(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
  return out;
}

/** `value` with every string in it (keys included) scrubbed: for parsed API answers and log records. */
export function scrubDeep<T>(value: T): T {
  return secrets.size === 0 ? value : mapStrings(value, scrub);
}

/** Untrusted text for a terminal: secrets redacted, control characters escaped. */
export function printable(text: string): string {
  return escapeControls(scrub(text));
}

/**
 * Registers every secret the environment holds (the key, the webhook token) before any command runs, so
 * commands that never use them (`status`, `describe`) still redact them from old records. Best effort:
 * resolving and checking the key is resolveApiKey's job (provider/runware/api-key.ts).
 */
export function registerEnvSecrets(env: NodeJS.ProcessEnv): void {
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
