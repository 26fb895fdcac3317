import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without types
import { TARGETS, generate } from '../../scripts/gen-types.mjs';

describe('generated types', () => {
  it.each(TARGETS as { schema: string; out: string }[])('$out is up to date with $schema (run npm run gen)', async (t) => {
    expect(readFileSync(t.out, 'utf8')).toBe(await generate(t));
  });
});
