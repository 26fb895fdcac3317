// End-to-end harness: a simulator in this process on 127.0.0.1, the real CLI as a child process pointed
// at it, and invariant checks counted on the server's side (reliability.md I1–I3, I5).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { startSimulator, type SimHandle, type SimOptions } from '../../src/provider/sim/server.js';
import { canonicalJson } from '../../src/manifest/spec-hash.js';
import { applyJournal, journalPath } from '../../src/state/journal.js';
import { STATE_VERSION, type VideoState } from '../../src/state/model.js';
import { factProblems } from '../doubles/facts-check.js';
import { derivePhase } from '../../src/state/phase.js';
import { reelctl } from './cli.js';

export const CANARY_KEY = 'rw-canary-7f3a9c1e5b2d4e6f8a0b';

export interface Workspace {
  dir: string;
  manifests: string;
  state: string;
  out: string;
  sim: SimHandle;
  apply(extra?: string[], env?: Record<string, string>): ReturnType<typeof reelctl>;
  write(name: string, yaml: string): void;
  close(): Promise<void>;
}

export const videoYaml = (name: string, prompt = `a calm lake at dawn, ${name}`, extra = '') => `apiVersion: reelctl/v1
kind: Video
metadata:
  name: ${name}
  labels: { team: e2e }
spec:
  request:
    model: klingai:kling-video@3-standard
    positivePrompt: "${prompt}"
    width: 1280
    height: 720
    duration: 3
${extra}`;

export async function workspace(simOpts: SimOptions = {}): Promise<Workspace> {
  const dir = mkdtempSync(path.join(tmpdir(), 'reelctl-e2e-'));
  const manifests = path.join(dir, 'manifests');
  mkdirSync(manifests);
  const sim = await startSimulator({ apiKey: CANARY_KEY, latency: { minMs: 100, maxMs: 300 }, ...simOpts });
  const state = path.join(dir, 'state', 'state.json');
  const out = path.join(dir, 'outputs');
  return {
    dir,
    manifests,
    state,
    out,
    sim,
    apply: (extra = [], env = {}) =>
      reelctl(['apply', manifests, '--state', state, '--out', out, ...extra], {
        cwd: dir,
        env: { RUNWARE_API_URL: sim.url, RUNWARE_API_KEY: CANARY_KEY, REELCTL_POLL_MS: '150', ...env },
      }),
    write: (name, yaml) => writeFileSync(path.join(manifests, name), yaml),
    // The simulator stops, then the workspace goes: the suite leaves no temp dir behind (issue 18).
    close: async () => {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** I1: accepted submissions per distinct request (spec) on the server. */
export function acceptedPerSpec(sim: SimHandle): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of sim.tasks()) {
    const k = canonicalJson(t.request);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

export function assertInvariants(w: Workspace, opts: { expectReady?: number } = {}) {
  // I1: never two accepted submissions for one spec (our e2e specs never reuse a request with another regenerate).
  for (const [, n] of acceptedPerSpec(w.sim)) expect(n).toBe(1);
  // I2: the state parses (the snapshot, and the journal beside it when a run was cut short).
  const state = readState(w.state);
  expect(state.version).toBe(STATE_VERSION);
  // Conditions of named types and reasons only; every settled cost says whether the API reported it.
  expect(factProblems(state)).toEqual([]);
  // The stored phase is the one the record's facts give (state/phase.ts): reelctl never saves another.
  expect(
    Object.values(state.videos as Record<string, VideoState>)
      .filter((v) => v.phase !== derivePhase(v))
      .map((v) => `${v.name}: stored ${v.phase}, facts say ${derivePhase(v)}`),
  ).toEqual([]);
  // I3: every file under its final name is complete and matches its sidecar.
  for (const f of walk(w.out)) {
    if (f.endsWith('.json') || f.includes(`${path.sep}.archive${path.sep}`)) continue;
    expect(f.endsWith('.part')).toBe(false);
    const side = JSON.parse(readFileSync(f + '.json', 'utf8'));
    const bytes = readFileSync(f);
    expect(bytes.length).toBe(side.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(side.sha256);
  }
  if (opts.expectReady !== undefined) expect(Object.values(state.videos).filter((v: any) => v.phase === 'Ready').length).toBe(opts.expectReady);
  // I5: the key is nowhere on disk.
  for (const f of [...walk(w.out), ...walk(path.dirname(w.state))]) expect(readFileSync(f, 'latin1').includes(CANARY_KEY)).toBe(false);
  return state;
}

/** The state as reelctl sees it: the snapshot with its journal applied (a torn last line dropped). */
export function readState(file: string): any {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const j = journalPath(file);
  const r = applyJournal(snapshot, existsSync(j) ? readFileSync(j, 'utf8') : '');
  if (r.kind === 'corrupt' || r.kind === 'ahead') throw new Error(`state journal unusable: ${JSON.stringify(r)}`);
  return r.kind === 'applied' ? r.state : snapshot;
}

export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Polls `fn` until it returns something truthy (that value), or fails naming `what` after `ms`. */
/** Polls `fn` until it returns something truthy, and returns that (typed without the falsy cases). */
export async function until<T>(what: string, fn: () => T | Promise<T>, ms = 30_000, everyMs = 50): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as Exclude<T, undefined | null | false | 0 | ''>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
