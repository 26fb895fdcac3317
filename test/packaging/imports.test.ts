// The import graph between src's parts (docs/architecture.md draws the same arrows). Scans every import
// specifier of src/**/*.ts and cmd/**/*.ts as text: no dependency, no build needed.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..');

/** A part: a top folder of src (`manifest`), or a file at src's root by name (`errors`, `index`). */
type Part = string;

/**
 * Every arrow allowed between parts: part → the parts it may import. Anything else fails the test, so a new
 * arrow is a decision written down here (and in docs/architecture.md), not an accident.
 * The kernel (errors, clock, log, paths, failpoints, env-int) and text are usable from everywhere.
 */
const KERNEL = ['errors', 'clock', 'log', 'paths', 'failpoints', 'env-int', 'text'];
const ALLOWED: Record<Part, readonly Part[]> = {
  text: [],
  errors: [],
  clock: [],
  paths: [],
  failpoints: [],
  log: ['text'],
  'env-int': ['errors'],
  manifest: [...KERNEL],
  pricing: [...KERNEL, 'manifest'],
  provider: [...KERNEL, 'manifest', 'pricing'],
  state: [...KERNEL, 'provider'],
  plan: [...KERNEL, 'manifest', 'pricing', 'provider', 'state'],
  store: [...KERNEL, 'provider', 'state', 'plan'],
  reconcile: [...KERNEL, 'manifest', 'pricing', 'provider', 'state', 'plan', 'store'],
  daemon: [...KERNEL, 'manifest', 'pricing', 'provider', 'state', 'plan', 'store', 'reconcile'],
  cli: [...KERNEL, 'manifest', 'pricing', 'provider', 'state', 'plan', 'store', 'reconcile', 'daemon'],
  // The package's public API re-exports from the core.
  index: [...KERNEL, 'manifest', 'pricing', 'provider', 'state', 'plan', 'store', 'reconcile'],
};
const CORE = ['manifest', 'state', 'plan', 'store', 'provider', 'text'];
const OUTER = ['cli', 'daemon', 'reconcile'];

interface Edge {
  from: string;
  to: string;
}

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** Relative import specifiers (static, `export … from`, dynamic `import('…')`), resolved to repo paths. */
function edges(files: string[]): Edge[] {
  const re = /(?:^|[\s;}])(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^import\s+['"](\.[^'"]+)['"]/gm;
  const out: Edge[] = [];
  for (const from of files) {
    const text = readFileSync(path.join(root, from), 'utf8');
    for (const m of text.matchAll(re)) {
      const spec = (m[1] ?? m[2] ?? m[3])!;
      out.push({ from, to: path.normalize(path.join(path.dirname(from), spec)).replace(/\.js$/, '.ts') });
    }
  }
  return out;
}

function partOf(file: string): Part | undefined {
  const rel = path.relative('src', file).split(path.sep);
  if (rel[0] === '..') return undefined;
  return rel.length > 1 ? rel[0]! : rel[0]!.replace(/\.ts$/, '');
}

const srcEdges = edges(tsFiles('src'));
const arrows = new Map<string, string[]>(); // "a -> b" → example files
for (const e of srcEdges) {
  const a = partOf(e.from);
  const b = partOf(e.to);
  if (!a || !b || a === b) continue;
  const key = `${a} -> ${b}`;
  arrows.set(key, [...(arrows.get(key) ?? []), `${e.from} imports ${e.to}`]);
}

describe('import graph', () => {
  it('the scan sees the imports (guards the test itself)', () => {
    expect(srcEdges.length).toBeGreaterThan(300);
    expect(arrows.has('cli -> reconcile')).toBe(true);
    expect(arrows.has('reconcile -> state')).toBe(true);
  });

  it('nothing in the core imports cli, daemon or reconcile', () => {
    const bad = [...arrows].filter(([k]) => {
      const [a, b] = k.split(' -> ') as [string, string];
      return CORE.includes(a) && OUTER.includes(b);
    });
    expect(bad.flatMap(([, v]) => v)).toEqual([]);
  });

  it('every arrow between parts is one of the allowed arrows', () => {
    const parts = new Set(Object.keys(ALLOWED));
    const unknown = [...new Set(srcEdges.flatMap((e) => [partOf(e.from), partOf(e.to)]))].filter((p) => p && !parts.has(p));
    expect(unknown, 'a new part of src: add it to ALLOWED and docs/architecture.md').toEqual([]);
    const bad = [...arrows].filter(([k]) => {
      const [a, b] = k.split(' -> ') as [string, string];
      return !ALLOWED[a]?.includes(b);
    });
    expect(bad.flatMap(([, v]) => v)).toEqual([]);
  });

  it('there is no cycle between the parts', () => {
    const next = new Map<string, string[]>();
    for (const k of arrows.keys()) {
      const [a, b] = k.split(' -> ') as [string, string];
      next.set(a, [...(next.get(a) ?? []), b]);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (p: string, trail: string[]): void => {
      if (state.get(p) === 'done') return;
      if (state.get(p) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(p)), p].join(' -> '));
        return;
      }
      state.set(p, 'open');
      for (const q of next.get(p) ?? []) visit(q, [...trail, p]);
      state.set(p, 'done');
    };
    for (const p of next.keys()) visit(p, []);
    expect(cycles).toEqual([]);
  });

  it('the allowed arrows themselves have no cycle (the layering is a real order)', () => {
    const order = Object.keys(ALLOWED);
    for (const [a, bs] of Object.entries(ALLOWED)) for (const b of bs) expect(order.indexOf(b), `${a} -> ${b}`).toBeLessThan(order.indexOf(a));
  });

  it('no code that ships imports a test double (anything under test/)', () => {
    const shipped = edges([...tsFiles('src'), ...tsFiles('cmd'), ...tsFiles('bench')]);
    expect(shipped.filter((e) => e.to.startsWith(`test${path.sep}`)).map((e) => `${e.from} imports ${e.to}`)).toEqual([]);
  });

  it('the environment is read at the edge (src/cli, cmd), never in the middle of the wiring', () => {
    const readers = tsFiles('src').filter((f) => partOf(f) !== 'cli' && /\bprocess\.env\b/.test(readFileSync(path.join(root, f), 'utf8')));
    expect(readers).toEqual([]);
  });

  it('drivers (cli, daemon, index) see the controller through its interface, never its internals', () => {
    // What they may import from src/reconcile: the interface, its factory, and the parts that are not the
    // controller's run (the event log, budget facts, prune); context.ts only for the injected ReconcileDeps.
    const open = new Set(['controller-api', 'controller', 'event-log', 'budget', 'prune', 'context']);
    const drivers = srcEdges.filter((e) => ['cli', 'daemon', 'index'].includes(partOf(e.from) ?? '') && partOf(e.to) === 'reconcile');
    expect(drivers.length).toBeGreaterThan(5); // guards the scan
    expect(drivers.filter((e) => !open.has(path.basename(e.to, '.ts'))).map((e) => `${e.from} imports ${e.to}`)).toEqual([]);
    const reach = [...tsFiles('src/cli'), ...tsFiles('src/daemon'), 'src/index.ts'].flatMap((f) => {
      const text = readFileSync(path.join(root, f), 'utf8');
      const bad = [...text.matchAll(/\brunState\b|\bStepEnv\b|\bRecords\b|import[^;]*\{([^}]*)\}[^;]*from '[./]*reconcile\/context\.js'/g)].filter(
        (m) => m[1] === undefined || m[1].split(',').some((n) => !/^\s*(type\s+)?ReconcileDeps\s*$/.test(n)),
      );
      return bad.map((m) => `${f}: ${m[0]}`);
    });
    expect(reach).toEqual([]);
  });

  it('the test doubles live under test/, not in src/', () => {
    const doubles = tsFiles('src').filter((f) => /(^|[/\\])(fake|memory-store|fakes?-[^/\\]*|mock[^/\\]*)\.ts$/.test(f));
    expect(doubles).toEqual([]);
  });
});
