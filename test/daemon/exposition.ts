// Checks a Prometheus text exposition: `promtool check metrics` when promtool is installed (Debian/Ubuntu:
// apt-get install prometheus), and always a parse of our own — every sample belongs to a family announced by
// # HELP and # TYPE, names and labels are well formed, values are numbers, counters end in _total.
import { execFileSync } from 'node:child_process';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|[Nn][Aa][Nn]|[+-]?[Ii]nf)$/; // Go's ParseFloat: NaN in any case

function hasPromtool(): boolean {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Problems found (empty = clean). */
export function checkExposition(text: string): string[] {
  const problems: string[] = [];
  const types = new Map<string, string>();
  const helps = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      if (!NAME.test(meta[2]!)) problems.push(`bad metric name: ${meta[2]}`);
      if (meta[1] === 'HELP') helps.add(meta[2]!);
      else types.set(meta[2]!, meta[3]!);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) {
      problems.push(`unparseable line: ${line}`);
      continue;
    }
    const family = [...types.keys()].find((f) => m[1] === f || (m[1]!.startsWith(f + '_') && /_(bucket|sum|count|total|created)$/.test(m[1]!)));
    if (!family) problems.push(`sample without # TYPE: ${m[1]}`);
    else if (!helps.has(family)) problems.push(`family without # HELP: ${family}`);
  }
  for (const [name, type] of types) if (type === 'counter' && !name.endsWith('_total')) problems.push(`counter not ending in _total: ${name}`);
  if (hasPromtool()) {
    try {
      const out = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
      if (out.trim())
        problems.push(
          ...out
            .trim()
            .split('\n')
            .map((l) => `promtool: ${l}`),
        );
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      problems.push(
        ...`${e.stdout ?? ''}${e.stderr ?? ''}`
          .trim()
          .split('\n')
          .map((l) => `promtool: ${l}`),
      );
    }
  }
  return problems;
}
