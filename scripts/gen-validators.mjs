#!/usr/bin/env node
// Precompiles the state schema's validators (ajv standalone code), so no run compiles them at start-up
// (about 0.2 s of CPU before the first state write, hence before the first submit), and the manifest
// schema's (about 0.2 s of CPU before the first manifest is checked, on every thread that loads manifests:
// issue 19). schemas/ stays the source of truth: `npm run gen` writes the files; test/state/validators-gen
// and test/manifest/validators-gen fail when they are stale, and check that they accept and reject exactly
// what runtime-compiled ajv does (the manifest's: with the same errors).
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STATE_ID = 'https://reelctl.dev/schemas/state.schema.json';

/**
 * read: the decoder's check (src/state/codec.ts). write: the writer's guard, with strictNumbers so that
 * Infinity and NaN (which JSON.stringify writes as null) are refused; `video` checks one journal record.
 */
export const TARGETS = [
  { schema: 'schemas/state.schema.json', out: 'src/state/validate-read.gen.ts', options: {}, exports: { validateState: STATE_ID } },
  {
    schema: 'schemas/state.schema.json',
    out: 'src/state/validate-write.gen.ts',
    options: { strictNumbers: true },
    exports: { validateState: STATE_ID, validateVideo: `${STATE_ID}#/$defs/video` },
  },
];

const MANIFEST_ID = 'https://reelctl.dev/schemas/video.schema.json';

/**
 * The manifest checks (src/manifest/schema-check.ts): every error (allErrors), each with its value and schema
 * (verbose: the messages name them), formats (`uri`) from ajv-formats as at run time.
 */
export const MANIFEST_TARGET = {
  schema: 'schemas/video.schema.json',
  out: 'src/manifest/validate-manifest.gen.ts',
  options: { allErrors: true, strict: true, allowUnionTypes: true, verbose: true },
  formats: true,
  exports: { validateManifest: MANIFEST_ID, validateRequest: `${MANIFEST_ID}#/$defs/VideoRequest` },
};

/** The options every target shares with the runtime-compiled validators it replaces. */
export const AJV_OPTIONS = { allErrors: false, strict: false };

export async function generate(target) {
  const schema = JSON.parse(await readFile(path.join(root, target.schema), 'utf8'));
  const code0 = { source: true, esm: true, ...(target.formats ? { formats: _`require("ajv-formats/dist/formats").fullFormats` } : {}) };
  const ajv = new Ajv2020({ ...AJV_OPTIONS, ...target.options, code: code0 });
  if (target.formats) addFormats.default(ajv);
  ajv.addSchema(schema);
  let code = standaloneCode.default(ajv, target.exports);
  // ajv's ESM output still `require`s its runtime helpers (e.g. ucs2length for maxLength): give it one.
  const needsRequire = /\brequire\(/.test(code);
  return [
    `// Generated from ${target.schema} by scripts/gen-validators.mjs (npm run gen). Do not edit.`,
    '// @ts-nocheck -- ajv standalone validation code (plain JavaScript)',
    '/* eslint-disable */',
    ...(needsRequire ? ["import { createRequire } from 'node:module';", 'const require = createRequire(import.meta.url);'] : []),
    code.replace(/^"use strict";/, ''),
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const t of [...TARGETS, MANIFEST_TARGET]) {
    await writeFile(path.join(root, t.out), await generate(t));
    console.log(`wrote ${t.out}`);
  }
}
