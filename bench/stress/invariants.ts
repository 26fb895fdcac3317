// The invariants of docs/reliability.md, checked from the outside after every crash cycle.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../src/manifest/spec-hash.js';
import type { SimHandle } from '../../src/provider/sim/server.js';
import { applyJournal, journalPath } from '../../src/state/journal.js';

export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** I1: accepted submissions per request never exceed the regenerate values that request was desired with. */
export function duplicateSubmissions(sim: SimHandle, regeneratesByRequest: Map<string, Set<number>>): string[] {
  const counts = new Map<string, number>();
  for (const t of sim.tasks()) {
    const k = canonicalJson(t.request);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const bad: string[] = [];
  for (const [k, n] of counts) if (n > Math.max(1, regeneratesByRequest.get(k)?.size ?? 1)) bad.push(`${n}× ${k.slice(0, 80)}`);
  return bad;
}

/**
 * I2: the state file parses, its journal (if a run was cut short) applies to it — only its last line may be
 * torn —, the serial of the merged state never goes backwards and the lineage is fixed.
 */
export function checkState(file: string, prev: { serial: number; lineage?: string }): { state?: any; problem?: string } {
  let state: any;
  try {
    state = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { problem: `state does not parse: ${(err as Error).message}` };
  }
  const j = journalPath(file);
  if (existsSync(j)) {
    const r = applyJournal(state, readFileSync(j, 'utf8'));
    if (r.kind === 'corrupt') return { state, problem: `state journal unusable at line ${r.line}: ${r.why}` };
    if (r.kind === 'ahead') return { state, problem: `state journal starts at serial ${r.base}, after the state file's ${state.serial}` };
    if (r.kind === 'applied') state = r.state;
  }
  if (state.serial < prev.serial) return { state, problem: `serial went backwards ${prev.serial} → ${state.serial}` };
  if (prev.lineage && state.lineage !== prev.lineage) return { state, problem: `lineage changed ${prev.lineage} → ${state.lineage}` };
  return { state };
}

/** I3: every file under a final name is complete and matches its sidecar; Ready videos have their files. */
export function checkOutputs(out: string, state: any): { unverified: string[]; lost: string[] } {
  const unverified: string[] = [];
  for (const f of walk(out)) {
    if (f.endsWith('.json') || f.includes(`${path.sep}.archive${path.sep}`) || f.includes(`${path.sep}.reelctl${path.sep}`) || f.endsWith('.part')) continue; // .reelctl/: a database state's event log
    try {
      const side = JSON.parse(readFileSync(f + '.json', 'utf8'));
      const bytes = readFileSync(f);
      if (bytes.length !== side.bytes || createHash('sha256').update(bytes).digest('hex') !== side.sha256) unverified.push(f);
    } catch {
      unverified.push(`${f} (no sidecar)`);
    }
  }
  const lost: string[] = [];
  for (const v of Object.values<any>(state?.videos ?? {}))
    if (v.phase === 'Ready') for (const o of v.outputs) if (!existsSync(path.join(out, o.path))) lost.push(`${v.name}: ${o.path}`);
  return { unverified, lost };
}

/** I5: the key is in no file under these roots and in no captured output. */
export function keyLeaks(key: string, roots: string[], texts: string[]): string[] {
  const leaks: string[] = [];
  for (const f of roots.flatMap(walk)) if (readFileSync(f, 'latin1').includes(key)) leaks.push(f);
  texts.forEach((t, i) => t.includes(key) && leaks.push(`captured output #${i}`));
  return leaks;
}

/** I4: the workspace holds nothing but what reelctl may write (plus the manifests the runner writes). */
export function strayFiles(dir: string, allowed: string[]): string[] {
  return readdirSync(dir).filter((n) => !allowed.includes(n));
}

/** I8: no attempt is recorded failed whose task the API accepted and rendered (a paid render marked Failed). */
export function paidMarkedFailed(sim: SimHandle, state: any): string[] {
  const rendered = new Set(
    sim
      .tasks()
      .filter((t) => !t.fails)
      .map((t) => t.taskUUID),
  );
  return Object.values<any>(state?.videos ?? {}).flatMap((v) =>
    v.attempts.filter((a: any) => a.state === 'failed' && rendered.has(a.taskUUID)).map((a: any) => `${v.name}: ${a.taskUUID} (${a.error?.code})`),
  );
}
