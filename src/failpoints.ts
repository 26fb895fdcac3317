// Failpoints for crash tests (docs/reliability.md): REELCTL_FAILPOINT=<name>:<action>[,<name>:<action>…]
// action: `crash` (SIGKILL: no cleanup), `error` (throw), `enospc` / `erofs` (throw a disk error with that
// errno code, as a full or read-only disk would).
// Armed by the entry point (cmd/reelctl.ts reads the environment); free when unarmed: one size check.

export const FAILPOINTS = [
  'before-intent-persisted',
  'after-intent-persisted',
  'after-submit',
  'after-submit-persisted',
  'during-poll',
  'during-download',
  'before-rename',
  'after-rename',
  'during-state-write',
] as const;
export type FailpointName = (typeof FAILPOINTS)[number];

let table = new Map<string, string>();

/** Arms the failpoints named in `spec` (REELCTL_FAILPOINT's value); undefined or empty disarms them all. */
export function armFailpoints(spec: string | undefined): void {
  const m = new Map<string, string>();
  for (const item of (spec ?? '').split(',')) {
    const [name, action] = item.trim().split(':');
    if (name && action) m.set(name, action);
  }
  table = m;
}

/** Call at a failpoint. Synchronous so a crash happens exactly here. */
export function failpoint(name: FailpointName): void {
  if (table.size === 0) return;
  const action = table.get(name);
  if (!action) return;
  if (action === 'crash') {
    process.stderr.write(`failpoint ${name}: crash\n`);
    process.kill(process.pid, 'SIGKILL');
  }
  if (action === 'error') throw new Error(`failpoint ${name}: error`);
  if (action === 'enospc' || action === 'erofs') {
    const code = action.toUpperCase();
    throw Object.assign(new Error(`${code}: ${code === 'ENOSPC' ? 'no space left on device' : 'read-only file system'} (failpoint ${name})`), { code });
  }
}
