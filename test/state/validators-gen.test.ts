// The state validators are precompiled ajv standalone code (scripts/gen-validators.mjs). They must be up to
// date with schemas/state.schema.json, and accept and reject exactly what runtime-compiled ajv does — with the
// same first error (the message a refused write or a corrupt state reports).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AnySchema, ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without types
import { AJV_OPTIONS, TARGETS, generate } from '../../scripts/gen-validators.mjs';
import type { StateFile, VideoState } from '../../src/state/model.js';
import { emptyState, newVideoState, setCondition, setPhase } from '../../src/state/transitions.js';
import * as readGen from '../../src/state/validate-read.gen.js';
import * as writeGen from '../../src/state/validate-write.gen.js';

type Target = { schema: string; out: string; options: object; exports: Record<string, string> };
type Check = ((doc: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; message?: string }[] | null };

describe('generated state validators', () => {
  it.each(TARGETS as Target[])('$out is up to date with $schema (run npm run gen)', async (t) => {
    expect(readFileSync(t.out, 'utf8')).toBe(await generate(t));
  });
});

/** The runtime-compiled validators the generated ones replace (what src/state/codec.ts compiled before). */
function runtime(t: Target): Record<string, ValidateFunction> {
  const ajv = new Ajv2020({ ...(AJV_OPTIONS as object), ...t.options });
  ajv.addSchema(JSON.parse(readFileSync(t.schema, 'utf8')) as AnySchema);
  return Object.fromEntries(Object.entries(t.exports).map(([name, ref]) => [name, ajv.compile({ $ref: ref })]));
}

const [readTarget, writeTarget] = TARGETS as [Target, Target];
const PAIRS: [string, Check, ValidateFunction, 'state' | 'video'][] = [
  ['read: state', readGen.validateState as Check, runtime(readTarget).validateState!, 'state'],
  ['write: state', writeGen.validateState as Check, runtime(writeTarget).validateState!, 'state'],
  ['write: video', writeGen.validateVideo as Check, runtime(writeTarget).validateVideo!, 'video'],
];

const at = '2026-01-01T00:00:00.000Z';
/** A state that uses most of the schema: attempts of every kind, results, outputs, previous, conditions, budget. */
function richState(): StateFile {
  const s = emptyState('lineage-1');
  s.serial = 7;
  s.budget = { maxCostUsd: 5, windowHours: 24, setAt: at };
  const a: VideoState = newVideoState(
    { name: 'a', specHash: 'sha256:aa', regenerate: 1, outputPath: 'a/a.mp4', labels: { team: 'x' }, manifest: { file: 'm.yaml', line: 3 } },
    0,
  );
  a.attempts.push(
    { taskUUID: 't0', specHash: 'sha256:old', createdAt: at, state: 'abandoned', sends: 2, reservedUsd: 0.3, costUsd: 0.3 },
    {
      taskUUID: 't1',
      specHash: 'sha256:aa',
      createdAt: at,
      state: 'succeeded',
      sends: 1,
      reservedUsd: 0.5,
      costUsd: 0.42,
      results: [{ videoUUID: 'v1', videoURL: 'https://x/v1.mp4', costUsd: 0.42, seed: 9, receivedAt: at }],
    },
  );
  a.outputs.push({
    path: 'a/a.mp4',
    sha256: 'f'.repeat(64),
    bytes: 10,
    videoUUID: 'v1',
    taskUUID: 't1',
    seed: 9,
    costUsd: 0.42,
    downloadedAt: at,
    seen: { mtimeNs: '1', ino: '2' },
  });
  a.previous = { specHash: 'sha256:old', outputs: [] };
  a.costUsd = 0.72;
  setPhase(a, 'Ready', 1000, undefined, 't1');
  const b: VideoState = newVideoState({ name: 'b', specHash: 'sha256:bb', regenerate: 0, outputPath: 'b.mp4', simulated: true, suspended: true }, 0);
  b.attempts.push({ taskUUID: 't2', specHash: 'sha256:bb', createdAt: at, state: 'intent', sends: 0, reservedUsd: 1 });
  setCondition(b, 'Drifted', 'True', 'OutputDrifted', 'gone', 5);
  s.videos = { a, b };
  return s;
}

/** Every JSON pointer of `doc` (objects and arrays included). */
function pointers(doc: unknown, at = ''): string[] {
  if (!doc || typeof doc !== 'object') return [at];
  return [at, ...Object.entries(doc).flatMap(([k, v]) => pointers(v, `${at}/${k}`))];
}

function mutate(doc: unknown, pointer: string, value: unknown, op: 'set' | 'delete' | 'add'): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  if (pointer === '') return value;
  const parts = pointer.split('/').slice(1);
  let cur: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
  const last = parts[parts.length - 1]!;
  if (op === 'delete') delete cur[last];
  else if (op === 'add' && cur[last] && typeof cur[last] === 'object' && !Array.isArray(cur[last])) (cur[last] as Record<string, unknown>).extra = value;
  else cur[last] = value;
  return copy;
}

const odd = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, 1.5, '', 'x', null, true, [], {}, 'sha256:1', at, 'Ready', 'intent', 'True'),
  fc.jsonValue(),
);

function same(check: Check, rt: ValidateFunction, doc: unknown): void {
  const ok = check(doc);
  expect(ok).toBe(rt(doc));
  if (!ok) {
    const [g, r] = [check.errors?.[0], rt.errors?.[0]];
    expect({ at: g?.instancePath, keyword: g?.keyword, message: g?.message }).toEqual({ at: r?.instancePath, keyword: r?.keyword, message: r?.message });
  }
}

describe('generated validators decide as runtime-compiled ajv does', () => {
  it.each(PAIRS)('%s: the rich state and fuzzed mutations of it', (_n, check, rt, kind) => {
    const base: unknown = kind === 'state' ? richState() : richState().videos.a;
    expect(check(base), JSON.stringify(check.errors)).toBe(true);
    const paths = pointers(base);
    let rejected = 0;
    fc.assert(
      fc.property(fc.constantFrom(...paths), odd, fc.constantFrom<'set' | 'delete' | 'add'>('set', 'delete', 'add'), (p, value, op) => {
        const doc = mutate(base, p, value, op);
        same(check, rt, doc);
        if (!rt(doc)) rejected++;
      }),
      { numRuns: 600, seed: 19 },
    );
    expect(rejected).toBeGreaterThan(100); // the fuzz reaches the rejecting branches, not only valid states
  });

  it.each(PAIRS)('%s: arbitrary JSON-ish values', (_n, check, rt) => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: false }), (doc) => same(check, rt, doc)),
      { numRuns: 300, seed: 6 },
    );
  });

  it('the write validators refuse NaN and Infinity; the read validator, like ajv without strictNumbers, does not', () => {
    const s = richState();
    s.videos.a!.costUsd = Infinity;
    expect(writeGen.validateState(s)).toBe(false);
    expect(readGen.validateState(s)).toBe(runtime(readTarget).validateState!(s));
  });
});
