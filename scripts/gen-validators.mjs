#!/usr/bin/env node
// Precompiles the state schema's validators (ajv standalone code), so no run compiles them at start-up
// (about 0.2 s of CPU before the first state write, hence before the first submit). schemas/ stays the
// source of truth: `npm run gen` writes the files; test/state/validators-gen.test.ts fails when they are
// stale, and checks that they accept and reject exactly what runtime-compiled ajv does.
import { Ajv2020 } from 'ajv/dist/2020.js';
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

/** The options every target shares with the runtime-compiled validators it replaces. */
export const AJV_OPTIONS = { allErrors: false, strict: false };

export async function generate(target) {
  const schema = JSON.parse(await readFile(path.join(root, target.schema), 'utf8'));
  const ajv = new Ajv2020({ ...AJV_OPTIONS, ...target.options, code: { source: true, esm: true } });
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
  for (const t of TARGETS) {
    await writeFile(path.join(root, t.out), await generate(t));
    console.log(`wrote ${t.out}`);
  }
}
