#!/usr/bin/env node
// Generates TypeScript types from the hand-written JSON Schemas (schemas/ is the source of truth).
// `npm run gen` writes them; test/manifest/types-gen.test.ts fails when the checked-in files are stale.
import { compile } from 'json-schema-to-typescript';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TARGETS = [{ schema: 'schemas/video.schema.json', out: 'src/manifest/types.gen.ts', name: 'VideoManifest' }];

export async function generate(target) {
  const schema = JSON.parse(await readFile(path.join(root, target.schema), 'utf8'));
  return compile(schema, target.name, {
    bannerComment: `/* Generated from ${target.schema} by scripts/gen-types.mjs (npm run gen). Do not edit. */`,
    additionalProperties: false,
    format: true,
    cwd: path.join(root, 'schemas'),
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const t of TARGETS) {
    await writeFile(path.join(root, t.out), await generate(t));
    console.log(`wrote ${t.out}`);
  }
}
