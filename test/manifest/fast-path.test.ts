// The fast parse path (issue 19 item 2) is invisible: for every input, the loader's answer with the fast
// path equals the answer of the position-keeping parse alone, and the fast parser never accepts a file
// the precise parser refuses.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ManifestProblem } from '../../src/errors.js';
import { loadText } from '../../src/manifest/load.js';
import type { LoadedVideo } from '../../src/manifest/model.js';
import { fastParse } from '../../src/manifest/yaml-fast.js';
import { parseYamlFile } from '../../src/manifest/yaml-source.js';

const root = path.resolve('test/fixtures');

async function both(text: string) {
  const run = async (fast: boolean) => {
    const videos: LoadedVideo[] = [];
    const problems: ManifestProblem[] = [];
    await loadText(text, { abs: path.join(root, 'x.yaml'), root }, 'x.yaml', videos, problems, fast);
    return { videos, problems };
  };
  return { fast: await run(true), precise: await run(false) };
}

/** YAML level: when the fast parser answers, the precise one accepts the same documents. */
function agreesWithPrecise(text: string): void {
  const fast = fastParse(text);
  if (!fast) return;
  const precise = parseYamlFile(text);
  expect(precise.problems).toEqual([]);
  expect(fast.map((d) => d.value)).toEqual(precise.docs.map((d) => d.value));
}

const corpus = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f));

describe('fast parse path', () => {
  it('gives the same videos and problems as the precise path on every fixture and example manifest', async () => {
    const files = [...corpus(path.join(root, 'invalid')), ...corpus(path.join(root, 'valid')), ...corpus('manifests')];
    expect(files.length).toBeGreaterThan(100);
    let answered = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      agreesWithPrecise(text);
      if (fastParse(text)) answered++;
      const r = await both(text);
      expect(r.fast, f).toEqual(r.precise);
    }
    expect(answered).toBeGreaterThan(50); // the fast path really runs on most of them
  });

  it('is used for a plain manifest, with the same source positions', async () => {
    const text = [
      '# a comment',
      'apiVersion: reelctl/v1',
      'kind: Video',
      'metadata:',
      "  name: 'quoted-name'",
      'spec:',
      '  output: { path: "a/b.mp4" }',
      '  request:',
      '    model: klingai:kling-video@3-standard',
      '    positivePrompt: a calm lake at dawn, mist over water',
      '    duration: 5',
      '',
    ].join('\n');
    expect(fastParse(text)).toBeDefined();
    const r = await both(text);
    expect(r.fast.problems).toEqual([]);
    expect(r.fast).toEqual(r.precise);
    expect(r.fast.videos[0]!.source).toMatchObject({ line: 5, col: 9 });
  });

  // Fragments chosen where YAML parsers differ: number and bool forms, quoting and escapes, anchors,
  // aliases, tags, merge keys, flow and block collections, block scalars, duplicate keys, documents.
  const scalar = fc.constantFrom(
    '5',
    '05',
    '0x1F',
    '0o17',
    '1_000',
    '+5',
    '-0',
    '1e3',
    '1.5',
    '.5',
    '.inf',
    '-.Inf',
    '.NaN',
    'true',
    'True',
    'TRUE',
    'yes',
    'no',
    'on',
    'null',
    '~',
    'Null',
    '',
    '2024-01-01',
    '"a\\tb"',
    '"\\u00e9"',
    "'it''s'",
    '"x"',
    'a: b',
    'a #c',
    '#c',
    '&a x',
    '*a',
    '!!str 5',
    '!tag x',
    '!!int "7"',
    '[1, 2]',
    '{a: 1}',
    '{a: 1, a: 2}',
    '|\n      line\n',
    '>-\n      folded\n',
    '"multi\n      line"',
    'plain\n      more',
    '@x',
    '`x`',
    '%x',
    '? x',
    '- x',
    '__proto__',
    'é',
    'a\tb',
    '"\\x41"',
    '0b101',
    '1:2',
    'ok!',
    'a & b',
    'a * b',
  );
  const key = fc.constantFrom(
    'duration',
    'width',
    'positivePrompt',
    'negativePrompt',
    'x',
    '"quoted"',
    "'s'",
    '"a\\"b"',
    '<<',
    '__proto__',
    '? k',
    '[k]',
    'name',
    'seed',
    '1',
    '"1"',
  );
  const manifest = fc
    .array(fc.tuple(key, scalar), { maxLength: 6 })
    .chain((pairs) =>
      fc
        .tuple(fc.constantFrom('', '---\n', '%YAML 1.2\n---\n', '# c\n'), fc.constantFrom('', '\n---\n', '\n...\n', '\n--- !x\n'))
        .map(
          ([head, tail]) =>
            head +
            [
              'apiVersion: reelctl/v1',
              'kind: Video',
              'metadata:',
              '  name: fuzz-video',
              'spec:',
              '  request:',
              '    model: klingai:kling-video@3-standard',
              '    positivePrompt: a calm lake at dawn, mist over the water',
            ].join('\n') +
            '\n' +
            pairs.map(([k, v]) => `    ${k}: ${v}`).join('\n') +
            tail,
        ),
    );

  it('agrees with the precise path on generated manifests with tricky YAML (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(manifest, async (text) => {
        agreesWithPrecise(text);
        const r = await both(text);
        expect(r.fast).toEqual(r.precise);
      }),
      { numRuns: 400 },
    );
  });

  it('never accepts what the precise parser refuses, on random YAML-ish text and JSON shapes (fast-check)', () => {
    const chars = fc.constantFrom(...'abc:-[]{}&*!|>\'"#%@`, \n?0123456789.\\'.split(''));
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 120 }).map((a) => a.join('')),
        agreesWithPrecise,
      ),
      { numRuns: 1500 },
    );
    // Tokens rather than characters reach deeper structures (found: `:` as a key, `|2` indicators, `...`, ` ---`, `%FOO`, `]` ending a flow on its own line, a BOM).
    const tokens = fc.constantFrom(
      ' ',
      '  ',
      '\n',
      '\n  ',
      ': ',
      ':',
      '- ',
      'a',
      'k',
      '"',
      "'",
      '[',
      ']',
      '{',
      '}',
      ', ',
      '#',
      '|',
      '>',
      '?',
      '1',
      '0x',
      '.',
      '\\',
      'e',
      'true',
      '~',
      'null',
      '!',
      '&',
      '*',
      '%',
      '---',
      '...',
      '@',
      '5e903',
      '%FOO',
      '\n]',
      '\n}',
      '!Ref',
      '\uFEFF',
      '\u2028',
      '\u0085',
      '\u00a0',
    );
    fc.assert(
      fc.property(
        fc.array(tokens, { maxLength: 40 }).map((a) => a.join('')),
        agreesWithPrecise,
      ),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => agreesWithPrecise(stringify(v))),
      { numRuns: 300 },
    );
  });
});
