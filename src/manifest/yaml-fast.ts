// The fast path for the common manifest (issue 19 item 2): js-yaml's event parser, about 4× cheaper than
// the position-keeping parse in yaml-source.ts. It answers only for plain files — no tags, anchors,
// aliases, directives, complex keys, `__proto__`, tabs or CRs — and says "don't know" (undefined) for
// anything else, so every protective check of the precise path still holds: the loader takes a fast
// result only when the whole file then loads without a single problem, and re-parses precisely
// otherwise, so every problem a user sees is located by the precise path.
// Positions: the loader needs the offsets of /metadata/name and /spec/output/path (a video's source and
// its output's source); they are taken from the scalar events, the way offsetOf() takes node ranges.
import { CORE_SCHEMA, EVENT_ID, constructFromEvents, getScalarValue, parseEvents, type Event, type ScalarEvent } from 'js-yaml';
import { LIMITS } from './limits.js';

export interface FastDoc {
  index: number;
  value: unknown;
  /** 0-based offsets of the value nodes at /metadata/name and /spec/output/path, when present. */
  nameOffset?: number;
  outputPathOffset?: number;
}

// Characters or words whose YAML meaning differs between parsers or needs the precise checks (tabs, CRs,
// `__proto__`, `...` document ends, indented `---`, directives, block scalar indentation indicators such as `|2`, numbers too large for a double: yaml
// reads those as Infinity, js-yaml as strings).
const UNSAFE_LINE_START = /(?:^|\n)(?:\.\.\.| +---|%)/;
const UNSAFE_BLOCK_INDICATOR = /[|>][-+]?\d/;
const UNSAFE_NUMBER = /\d[eE][-+]?\d{3}|\d[0-9a-fA-FxXoO]{249}/;
// Separate tests with literal first characters: one alternation over every position cost 3% of a load.
const unsafe = (text: string) =>
  text.includes('\uFEFF') || // a byte order mark (the parsers read one differently inside a text)
  text.includes('\t') ||
  text.includes('\r') ||
  text.includes('__proto__') ||
  UNSAFE_LINE_START.test(text) ||
  UNSAFE_BLOCK_INDICATOR.test(text) ||
  UNSAFE_NUMBER.test(text);

const NAME_PATH = '\0metadata\0name';
const OUTPUT_PATH = '\0spec\0output\0path';

interface Frame {
  map: boolean;
  /** The node's path, keys joined by NUL (sequence items are '#'). */
  path: string;
  /** In a mapping: the key just read (undefined while a key is expected). */
  key?: string | undefined;
  expectKey: boolean;
}

/** The documents of `text`, or undefined when the fast path cannot vouch for the result. */
export function fastParse(text: string): FastDoc[] | undefined {
  if (unsafe(text)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  const docs: FastDoc[] = [];
  const stack: Frame[] = [];
  let doc: FastDoc | undefined;
  const childPath = (): string | undefined => {
    const top = stack.at(-1);
    if (!top) return '';
    if (top.map) return top.expectKey ? undefined : top.path + '\0' + top.key!;
    return top.path + '\0#';
  };
  const valueDone = () => {
    const top = stack.at(-1);
    if (top?.map) top.expectKey = true;
  };
  for (const e of events) {
    if (e.type === EVENT_ID.DOCUMENT) {
      if (e.directives.length > 0) return undefined;
      doc = { index: docs.length, value: null };
      docs.push(doc);
      continue;
    }
    if (e.type === EVENT_ID.ALIAS) return undefined;
    if (e.type === EVENT_ID.POP) {
      if (stack.length === 0) continue; // end of a document
      stack.pop();
      valueDone();
      continue;
    }
    if (e.anchorStart !== -1 || e.tagStart !== -1) return undefined;
    const top = stack.at(-1);
    if (e.type === EVENT_ID.SCALAR) {
      if (top?.map && top.expectKey) {
        const key = scalarKey(text, e);
        if (key === undefined) return undefined;
        top.key = key;
        top.expectKey = false;
        continue;
      }
      const p = childPath()!;
      const name = p === NAME_PATH;
      if (name || p === OUTPUT_PATH) {
        const at = scalarOffset(e);
        if (at === undefined) return undefined;
        if (name) doc!.nameOffset = at;
        else doc!.outputPathOffset = at;
      }
      valueDone();
      continue;
    }
    const p = childPath();
    if (p === undefined) return undefined; // a collection as a mapping key
    // yaml warns (an error here) about some multi-line flow collections: those go to the precise path.
    if (e.style === 2 && !flowEndsOnLine(text, e.start)) return undefined;
    stack.push({ map: e.type === EVENT_ID.MAPPING, path: p, expectKey: true });
  }
  if (docs.length > LIMITS.maxDocuments) return undefined;
  let values: unknown[];
  try {
    values = constructFromEvents(events, { source: text, schema: CORE_SCHEMA, maxAliases: 0 });
  } catch {
    return undefined;
  }
  if (values.length !== docs.length) return undefined;
  values.forEach((v, i) => (docs[i]!.value = v));
  return docs;
}

// Plain keys that are surely strings to both parsers (`1:`, `~:`, `true:` or an empty key turn into
// different object keys in each, so they go to the precise path).
const PLAIN_KEY = /^[A-Za-z_$][\w$.\-/@]*$/;
const NOT_STRING = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

/** Whether the flow collection opening at `start` closes on the same line (quotes skipped). */
function flowEndsOnLine(text: string, start: number): boolean {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') return false;
    if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth === 0) return true;
    } else if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) {
        if (text[i] === '\n') return false;
        if (c === '"' && text[i] === '\\') i++;
      }
    }
  }
  return false;
}

/** A scalar key as text; keys either parser could read differently are left to the precise path. */
function scalarKey(text: string, e: ScalarEvent): string | undefined {
  if (e.style === 1) {
    const raw = text.slice(e.valueStart, e.valueEnd);
    return PLAIN_KEY.test(raw) && !NOT_STRING.test(raw) ? raw : undefined;
  }
  return e.style === 2 || e.style === 3 ? getScalarValue(text, e) : undefined;
}

/** Where the precise parser's node range starts (the opening quote of a quoted scalar); block scalars: unknown. */
function scalarOffset(e: ScalarEvent): number | undefined {
  return e.style === 1 ? e.valueStart : e.style === 2 || e.style === 3 ? e.valueStart - 1 : undefined;
}
