// Failpoints for crash tests (docs/reliability.md): REELCTL_FAILPOINT=<name>:<action>[,<name>:<action>…]
// action: `crash` (SIGKILL: no cleanup), `error` (throw), `enospc` / `erofs` (throw a disk error with that
// errno code, as a full or read-only disk would), `sleep-<ms>`.
// Free when unset: one Map lookup on a name that is never there.

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

let table: Map<string, string> | undefined;

function load(): Map<string, string> {
  const m = new Map<string, string>();
  for (const item of (process.env.REELCTL_FAILPOINT ?? '').split(',')) {
    const [name, action] = item.trim().split(':');
    if (name && action) m.set(name, action);
  }
  return m;
}

/** Call at a failpoint. Synchronous so a crash happens exactly here. */
export function failpoint(name: FailpointName): void {
  table ??= load();
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

/** Async variant for failpoints that may sleep (simulating a slow step). */
export async function failpointAsync(name: FailpointName): Promise<void> {
  table ??= load();
  const action = table.get(name);
  const m = action && /^sleep-(\d+)$/.exec(action);
  if (m) await new Promise((r) => setTimeout(r, Number(m[1])));
  else failpoint(name);
}

/** Tests only: re-read the environment. */
export function resetFailpoints(): void {
  table = undefined;
}
