#!/usr/bin/env node
// Generates docs/cli.md (from every command's --help) and docs/manifest-reference.md (from the schema).
// `npm run docs` writes them; test/packaging/docs.test.ts fails when the checked-in files are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function cliDoc() {
  const { buildProgram } = await import(path.join(root, 'dist/src/cli/program.js'));
  const program = await buildProgram(['node', 'reelctl', '--help'], { full: true }); // every command for real (with its examples)
  program.configureOutput({ getOutHelpWidth: () => 110, getErrHelpWidth: () => 110 });
  const parts = [
    '# reelctl CLI reference',
    '',
    '_Generated from `--help` by `npm run docs`; do not edit._',
    '',
    '```text',
    program.helpInformation().trimEnd(),
    '```',
  ];
  // One level of subcommands too (`reelctl state migrate`).
  const all = program.commands.flatMap((c) => [[c.name(), c], ...c.commands.map((s) => [`${c.name()} ${s.name()}`, s])]);
  for (const [name, c] of all) {
    c.configureOutput({ getOutHelpWidth: () => 110 });
    let after = '';
    c.configureOutput({ writeOut: (s) => (after += s), getOutHelpWidth: () => 110 });
    c.outputHelp();
    parts.push('', `## reelctl ${name}`, '', '```text', after.trimEnd(), '```');
  }
  return parts.join('\n') + '\n';
}

const typeOf = (s) =>
  s.type
    ? [].concat(s.type).join(' \\| ')
    : s.enum
      ? 'enum'
      : s.const !== undefined
        ? 'const'
        : s.oneOf
          ? s.oneOf.map(typeOf).join(' \\| ')
          : s.$ref
            ? s.$ref.split('/').pop()
            : 'any';
const rules = (s) => {
  const r = [];
  if (s.enum) r.push(`one of ${s.enum.map((e) => '`' + JSON.stringify(e) + '`').join(', ')}`);
  if (s.const !== undefined) r.push(`\`${JSON.stringify(s.const)}\``);
  for (const [k, label] of [
    ['minimum', '≥'],
    ['maximum', '≤'],
    ['minLength', 'length ≥'],
    ['maxLength', 'length ≤'],
    ['minItems', 'items ≥'],
    ['maxItems', 'items ≤'],
  ])
    if (s[k] !== undefined) r.push(`${label} ${s[k]}`);
  if (s.pattern) r.push(`pattern \`${s.pattern}\``);
  if (s.format) r.push(`format ${s.format}`);
  return r.join('; ');
};

export function manifestDoc(schema = JSON.parse(readFileSync(path.join(root, 'schemas/video.schema.json'), 'utf8'))) {
  const out = ['# Manifest reference', '', '_Generated from `schemas/video.schema.json` by `npm run docs`; do not edit._', '', schema.description ?? '', ''];
  const resolve = (s) =>
    s.$ref
      ? s.$ref
          .replace('#/$defs/', '')
          .split('/')
          .reduce((o, k) => o[k], schema.$defs)
      : s;
  const walk = (s, at) => {
    s = resolve(s);
    const item = s.type === 'array' && s.items ? resolve(s.items) : undefined;
    const obj = s.properties ? s : item?.properties ? item : undefined;
    if (!obj) return;
    out.push(`## \`${at}\``, '', obj.description ?? '', '', '| field | type | required | default | rules | description |', '|---|---|---|---|---|---|');
    const nested = [];
    for (const [k, raw] of Object.entries(obj.properties)) {
      const p = resolve(raw);
      out.push(
        `| \`${k}\` | ${typeOf(raw)} | ${(obj.required ?? []).includes(k) ? 'yes' : ''} | ${p.default !== undefined ? '`' + JSON.stringify(p.default) + '`' : ''} | ${rules(p)} | ${(p.description ?? '').replace(/\|/g, '\\|')} |`,
      );
      if (p.properties || (p.type === 'array' && p.items && resolve(p.items).properties)) nested.push([p, `${at}.${k}${p.type === 'array' ? '[]' : ''}`]);
    }
    out.push('');
    for (const [p, a] of nested) walk(p, a);
  };
  walk(schema, 'manifest');
  return out.join('\n').replace(/\n{3,}/g, '\n\n') + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(path.join(root, 'docs/cli.md'), await cliDoc());
  writeFileSync(path.join(root, 'docs/manifest-reference.md'), manifestDoc());
  console.log('wrote docs/cli.md and docs/manifest-reference.md');
}
