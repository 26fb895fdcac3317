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

const DEFAULT_MANIFESTS = 'manifests';
export const DEFAULT_STATE = '.reelctl/state.json';
const DEFAULT_OUT = 'outputs';
/** Where `--simulate` keeps its state and placeholder files unless --state/--out say otherwise. */
export const SIMULATED_STATE = '.reelctl/simulated/state.json';
export const SIMULATED_OUT = 'outputs-simulated';

/** The global flags; with `simulate`, the state and outputs default to the simulated ones. */
export function globalOptions(cmd: Command, opts: { simulate?: boolean } = {}): GlobalOptions {
  const o = cmd.optsWithGlobals<{ state?: string; out?: string; selector?: string[]; logFormat?: string }>();
  // --state/--out have defaults in the program; a simulated run takes its own unless they were given.
  const given = (name: string) => o[name as 'state'] !== undefined && cmd.getOptionValueSourceWithGlobals(name) !== 'default';
  const logFormat = (o.logFormat ?? 'text') as LogFormat;
  if (logFormat !== 'text' && logFormat !== 'json') throw new UsageError(`--log-format must be text or json, got "${o.logFormat}"`);
  return {
    state: opts.simulate && !given('state') ? SIMULATED_STATE : (o.state ?? DEFAULT_STATE),
    out: opts.simulate && !given('out') ? SIMULATED_OUT : (o.out ?? DEFAULT_OUT),
    selector: parseSelector(o.selector ?? []),
    logFormat,
  };
}

/** `-l a=b -l c=d` or `-l a=b,c=d` → { a: 'b', c: 'd' } (equality only, like kubectl's simplest form). */
function parseSelector(items: string[]): Record<string, string> {
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

/** REELCTL_LOG_LEVEL (pino's levels: debug, info, warn…), read here at the edge and passed to createLogger. */
export function logLevel(env: Record<string, string | undefined>): { level?: string } {
  const level = env.REELCTL_LOG_LEVEL;
  return level ? { level } : {};
}
