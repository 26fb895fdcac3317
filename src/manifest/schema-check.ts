// JSON Schema validation (ajv, 2020-12) of whole manifests and of bare requests, precompiled by `npm run gen`
// (validate-manifest.gen.ts, ajv standalone code: compiling at start-up cost ~0.2 s of CPU on every thread
// that loads manifests, issue 19). ajv errors are turned into pointer-located problems with messages a
// person can act on.
import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import * as generated from './validate-manifest.gen.js';
import { displayPath, joinPointer, parsePointer } from './pointer.js';
import { OWNED_FIELDS } from './rules.js';
import { describeValue, didYouMean } from './suggest.js';
import { packagePath } from '../paths.js';

const schema = JSON.parse(readFileSync(packagePath('schemas', 'video.schema.json'), 'utf8')) as { $id: string };
export const videoSchema = schema;

export interface SchemaProblem {
  pointer: string;
  code: string;
  message: string;
}

/** A precompiled validator: true, or false with its errors (every one: allErrors; verbose: value and schema). */
type Check = ((doc: unknown) => boolean) & { errors?: ErrorObject[] | null };

const validateManifest = generated.validateManifest as Check;
const validateRequest = generated.validateRequest as Check;

export function checkManifestSchema(doc: unknown): SchemaProblem[] {
  const v = validateManifest;
  return v(doc) ? [] : toProblems(v.errors ?? [], '/spec/request');
}

export function checkRequestSchema(request: unknown, opts: { wire?: boolean } = {}): SchemaProblem[] {
  const v = validateRequest;
  let subject = request;
  if (opts.wire && request && typeof request === 'object' && !Array.isArray(request)) {
    const { taskType: _t, taskUUID: _u, deliveryMethod: _d, includeCost: _c, ...rest } = request as Record<string, unknown>;
    subject = rest;
  }
  return v(subject) ? [] : toProblems(v.errors ?? [], '');
}

/** The reelctl-owned fields are reported by rules.ts with a better message; skip ajv's duplicate. */
function isOwnedFieldError(e: ErrorObject, requestPointer: string): boolean {
  return (
    e.keyword === 'additionalProperties' &&
    e.instancePath === requestPointer &&
    (OWNED_FIELDS as readonly string[]).includes(String(e.params.additionalProperty))
  );
}

/** The output path's pattern and length are reported by output-path-rules.ts with a better message. */
const isOutputPathRule = (e: ErrorObject): boolean => e.instancePath === '/spec/output/path' && (e.keyword === 'pattern' || e.keyword === 'maxLength');

function toProblems(errors: ErrorObject[], requestPointer: string): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  // oneOf produces one error per branch plus a summary; keep only the summary for frameImages items.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  for (const e of errors) {
    if (isOwnedFieldError(e, requestPointer) || isOutputPathRule(e)) continue;
    if (e.schemaPath.includes('/properties/spec/allOf/')) continue; // outputFormat vs extension: output-format.ts says it better
    if (e.keyword !== 'oneOf' && [...oneOfPaths].some((p) => e.instancePath.startsWith(p) && e.schemaPath.includes('/oneOf/'))) continue;
    const p = describe(e);
    const key = `${p.pointer}|${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

function describe(e: ErrorObject): SchemaProblem {
  const at = e.instancePath;
  const name = displayPath(at);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { pointer: at, code: 'schema.required', message: `${name}: missing required field "${String(params.missingProperty)}"` };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return {
        pointer: at + joinPointer(key),
        code: 'schema.unknown-field',
        message: `${displayPath(at + joinPointer(key))}: unknown field "${key}"${didYouMean(key, known)}`,
      };
    }
    case 'enum':
      return {
        pointer: at,
        code: 'schema.enum',
        message: `${name}: must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { pointer: at, code: 'schema.const', message: `${name}: must be ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      return { pointer: at, code: 'schema.type', message: `${name}: must be ${String(params.type)}, got ${describeValue(e.data)}` };
    case 'pattern':
      if (parsePointer(at).join('/') === 'metadata/name')
        return {
          pointer: at,
          code: 'schema.name',
          message: `${name}: must be a DNS-1123 label (lowercase a-z, 0-9 and -, starting and ending alphanumeric, at most 63)`,
        };
      return { pointer: at, code: 'schema.pattern', message: `${name}: must match ${String(params.pattern)}` };
    case 'propertyNames':
      return { pointer: at, code: 'schema.key', message: `${name}: invalid key "${String(params.propertyName)}"` };
    case 'oneOf':
      return { pointer: at, code: 'schema.shape', message: `${name}: must be an image input string or {image, frame}` };
    case 'dependentRequired': {
      // Located at the field that is there (width), naming the one that is missing (height).
      const has = String(params.property);
      const missing = String(params.missingProperty);
      const p = at + joinPointer(has);
      const pair = (has === 'width' || has === 'height') && (missing === 'width' || missing === 'height');
      return {
        pointer: p,
        code: 'schema.dependentRequired',
        message: pair ? `${displayPath(p)}: add ${missing} too (width and height go together)` : `${displayPath(p)}: needs ${missing} too`,
      };
    }
    case 'false schema':
      // dependentSchemas with `field: false`: a combination the API documents as invalid (element videos + images).
      if (e.schemaPath.includes('/dependentSchemas/videos/'))
        return { pointer: at, code: 'schema.combination', message: `${name}: cannot be combined with videos in one element (videos go alone)` };
      return { pointer: at, code: 'schema.not-allowed', message: `${name}: not allowed here` };
    default:
      return { pointer: at, code: `schema.${e.keyword}`, message: `${name}: ${e.message ?? 'is invalid'}` };
  }
}
