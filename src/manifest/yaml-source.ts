// Parsing one manifest file with yaml 2 while keeping positions, so every problem points at its node.
import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import { parsePointer } from './pointer.js';
import { LIMITS } from './limits.js';

interface ParsedDoc {
  index: number;
  doc: Document.Parsed;
  /** The plain JS value, or undefined when it could not be built (alias bomb, errors). */
  value: unknown;
  start: number;
}

export interface ParsedFile {
  lineCounter: LineCounter;
  docs: ParsedDoc[];
  problems: { offset: number; code: string; message: string }[];
}

export function parseYamlFile(text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const problems: ParsedFile['problems'] = [];
  const docs: ParsedDoc[] = [];
  const all = parseAllDocuments(text, { lineCounter, uniqueKeys: true, version: '1.2', prettyErrors: false, strict: true, logLevel: 'error' });
  const list = Array.isArray(all) ? all : [];
  if (list.length > LIMITS.maxDocuments) {
    problems.push({ offset: 0, code: 'yaml.too-many-documents', message: `more than ${LIMITS.maxDocuments} documents in one file` });
    return { lineCounter, docs, problems };
  }
  list.forEach((doc, index) => {
    const start = doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0;
    let failed = false;
    for (const e of doc.errors) {
      failed = true;
      problems.push({ offset: e.pos[0], code: e.code === 'DUPLICATE_KEY' ? 'yaml.duplicate-key' : 'yaml.syntax', message: yamlMessage(e.code, e.message) });
    }
    // yaml only warns about an unknown tag (`!Ref foo` silently becomes "foo") or directive: in a manifest
    // that decides what is paid for, every warning is an error, located like the others.
    for (const w of doc.warnings) {
      failed = true;
      problems.push({
        offset: w.pos[0],
        code: w.code === 'TAG_RESOLVE_FAILED' ? 'yaml.unknown-tag' : 'yaml.warning',
        message: warningMessage(w.code, w.message),
      });
    }
    if (failed || doc.contents === null) return;
    // Unknown aliases are checked only where there can be one (most files have no `*` at all).
    if (text.includes('*'))
      visit(doc, {
        Alias(_, node) {
          if (node.resolve(doc) === undefined) {
            failed = true;
            problems.push({ offset: node.range?.[0] ?? start, code: 'yaml.syntax', message: `YAML: unknown alias *${node.source}` });
          }
        },
      });
    if (failed) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
    } catch (err) {
      problems.push({
        offset: start,
        code: 'yaml.aliases',
        message: `too many alias expansions (limit ${LIMITS.maxAliasCount}): ${(err as Error).message.split('\n')[0]}`,
      });
      return;
    }
    docs.push({ index, doc, value, start });
  });
  return { lineCounter, docs, problems };
}

function yamlMessage(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return code === 'DUPLICATE_KEY' ? `duplicate key: ${first.replace(/^Map keys must be unique;?\s*/i, '') || 'keys must be unique'}` : `YAML: ${first}`;
}

function warningMessage(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  if (code !== 'TAG_RESOLVE_FAILED') return `YAML: ${first}`;
  const tag = first.replace(/^Unresolved tag:\s*/, '').replace(/^tag:yaml\.org,2002:/, '!!');
  return `YAML: unknown tag ${tag}: reelctl manifests are plain YAML (no custom tags); remove it or quote the value`;
}

/** Offset of the node at `pointer`; for `asKey`, the offset of the key itself. Falls back to the nearest parent. */
export function offsetOf(doc: Document.Parsed, pointer: string, asKey = false): number {
  let node: Node | null | undefined = doc.contents;
  let best = node?.range?.[0] ?? 0;
  const parts = parsePointer(pointer);
  for (const [i, part] of parts.entries()) {
    if (!node) break;
    const last = i === parts.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === part);
      if (!pair) break;
      const key = pair.key as Node;
      if (last && asKey) return key.range?.[0] ?? best;
      node = pair.value as Node | null;
      best = node?.range?.[0] ?? key.range?.[0] ?? best;
    } else if ('items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      const item = (node as { items: unknown[] }).items[Number(part)] as Node | undefined;
      if (!item) break;
      node = item;
      best = item.range?.[0] ?? best;
    } else break;
  }
  return best;
}
