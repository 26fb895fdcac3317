// The manifest validators are precompiled ajv standalone code (scripts/gen-validators.mjs). They must be up
// to date with schemas/video.schema.json and give exactly the errors runtime-compiled ajv gives (with the same
// options and formats) — every error, value and schema included: the messages of `reelctl validate` are built
// from them. Checked on every document of the valid and invalid corpora, and on bare requests.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AnySchema, ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { parseAllDocuments, type Document } from 'yaml';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without types
import { MANIFEST_TARGET, generate } from '../../scripts/gen-validators.mjs';
import * as gen from '../../src/manifest/validate-manifest.gen.js';

type Target = { schema: string; out: string; options: object; exports: Record<string, string> };
type Check = ((doc: unknown) => boolean) & { errors?: unknown[] | null };
const target = MANIFEST_TARGET as Target;

function runtime(): Record<string, ValidateFunction> {
  const ajv = new Ajv2020(target.options);
  (addFormatsImport as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema(JSON.parse(readFileSync(target.schema, 'utf8')) as AnySchema);
  return Object.fromEntries(Object.entries(target.exports).map(([name, ref]) => [name, ajv.getSchema(ref)!]));
}

const docs = (dir: string): [string, unknown][] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => {
      const all = parseAllDocuments(readFileSync(path.join(dir, f), 'utf8'));
      // Files the YAML layer refuses (syntax, aliases, duplicate keys …) never reach the schema check.
      return Array.isArray(all) ? all.filter((d) => d.errors.length === 0).map((d, i): [string, unknown] => [`${f}#${i}`, toJS(d)]) : [];
    })
    .filter(([, v]) => v !== undefined);

function toJS(d: Document.Parsed): unknown {
  try {
    return d.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined; // an alias bomb or an unresolved alias: refused before the schema check
  }
}

const fixtures = path.join(import.meta.dirname, '..', 'fixtures');

describe('generated manifest validators', () => {
  it(`${target.out} is up to date with ${target.schema} (run npm run gen)`, async () => {
    expect(readFileSync(target.out, 'utf8')).toBe(await generate(target));
  });

  it('give the errors runtime-compiled ajv gives, on every corpus document and its request', () => {
    const rt = runtime();
    const pairs: [Check, ValidateFunction, (v: unknown) => unknown][] = [
      [gen.validateManifest as Check, rt.validateManifest!, (v) => v],
      [gen.validateRequest as Check, rt.validateRequest!, (v) => (v as { spec?: { request?: unknown } } | null)?.spec?.request],
    ];
    const all = [...docs(path.join(fixtures, 'valid')), ...docs(path.join(fixtures, 'invalid'))];
    expect(all.length).toBeGreaterThan(100);
    let rejected = 0;
    for (const [name, value] of all)
      for (const [g, r, pick] of pairs) {
        const subject = pick(value);
        const ok = g(subject);
        expect(ok, name).toBe(r(subject));
        expect(g.errors ?? null, name).toEqual(r.errors ?? null);
        if (!ok) rejected++;
      }
    expect(rejected).toBeGreaterThan(100);
  });
});
