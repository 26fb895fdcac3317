// Global flags shared by every command (contract.md, "Commands") and helpers to read them.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { LogFormat } from '../log.js';

export interface GlobalOptions {
  state: string;
  out: string;
  selector: Record<string, string>;
  logFormat: LogFormat;
}

export const DEFAULT_MANIFESTS = 'manifests';

export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as { state?: string; out?: string; selector?: string[]; logFormat?: string };
  const logFormat = (o.logFormat ?? 'text') as LogFormat;
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError(`--log-format must be text or json, got "${o.logFormat}"`);
  return {
    state: o.state ?? '.reelctl/state.json',
    out: o.out ?? 'outputs',
    selector: parseSelector(o.selector ?? []),
    logFormat,
  };
}

/** `-l a=b -l c=d` or `-l a=b,c=d` → { a: 'b', c: 'd' } (equality only, like kubectl's simplest form). */
export function parseSelector(items: string[]): Record<string, string> {
  const sel: Record<string, string> = {};
  for (const item of items.flatMap((s) => s.split(','))) {
    const t = item.trim();
    if (!t) continue;
    const m = /^([A-Za-z0-9._/-]+)=([A-Za-z0-9._-]*)$/.exec(t);
    if (!m) throw new UsageError(`invalid selector "${t}": expected key=value`);
    sel[m[1]!] = m[2]!;
  }
  return sel;
}

export { matchesSelector } from '../manifest/selector.js';

/** Paths given on the command line, or the default manifests directory. */
export function manifestPaths(args: string[]): string[] {
  return args.length > 0 ? args : [DEFAULT_MANIFESTS];
}
