// One YAML document's value → a video: the manifest schema, the request rules, the output path rules and
// the local inputs, each problem reported through `located` (at a JSON pointer of the document); the loader
// (load.ts) places the video at its source.
import path from 'node:path';
import type { SourceLocation } from '../errors.js';
import type { FoundFile } from './files.js';
import { numberResultsOf } from './defaults.js';
import { collectLocalInputs } from './local-inputs.js';
import { checkOutputPath, showPath } from './output-path-rules.js';
import type { LoadedVideo, VideoRequest } from './model.js';
import { checkOutputFormat } from './output-format.js';
import { checkRequestRules } from './rules.js';
import { checkManifestSchema } from './schema-check.js';
import { ownCopy, ownStrings } from './own-strings.js';
import type { VideoManifest } from './types.gen.js';

/** Reports a problem at a JSON pointer of the document (`asKey`: at the key, not its value). */
export type Locate = (pointer: string, code: string, message: string, asKey?: boolean) => void;

export async function toVideo(value: unknown, f: FoundFile, located: Locate): Promise<Unplaced | undefined> {
  if (value === null || value === undefined) return undefined; // empty document
  if (typeof value !== 'object' || Array.isArray(value)) {
    located('', 'schema.type', 'a manifest must be a mapping with apiVersion, kind, metadata and spec');
    return undefined;
  }
  let ok = true;
  for (const p of checkManifestSchema(value)) {
    ok = false;
    located(p.pointer, p.code, p.message, p.code === 'schema.unknown-field');
  }
  const m = value as VideoManifest;
  const request = (m.spec as { request?: unknown } | undefined)?.request;
  for (const p of checkRequestRules(request)) {
    ok = false;
    located('/spec/request' + p.pointer, p.code, `spec.request: ${p.message}`, p.code === 'rule.owned-field');
  }
  const outPath = (m.spec as { output?: { path?: unknown } } | undefined)?.output?.path;
  let pathRefused = false;
  if (typeof outPath === 'string' && !isContainedRelative(outPath)) {
    ok = false;
    pathRefused = true;
    located('/spec/output/path', 'path.escape', `spec.output.path: "${showPath(outPath)}" must be a relative path inside --out (no .., not absolute)`);
  } else if (typeof outPath === 'string') {
    const n = numberResultsOf(request ?? {});
    for (const p of checkOutputPath(path.posix.normalize(outPath), typeof n === 'number' && n >= 1 ? n : 1)) {
      ok = false;
      pathRefused = true;
      located('/spec/output/path', p.code, p.message);
    }
  }
  // One problem per field: a path already refused (reserved name, escape) is not also a format mismatch.
  const format = !pathRefused ? checkOutputFormat(outPath, (request as { outputFormat?: unknown } | undefined)?.outputFormat) : undefined;
  if (format) {
    ok = false;
    located('/spec/output/path', format.code, format.message);
  }
  if (!ok) return undefined;
  const local = await collectLocalInputs(m.spec.request as VideoRequest, f.abs, f.root);
  for (const p of local.problems) located('/spec/request' + p.pointer, p.code, `spec.request: ${p.message}`);
  if (local.problems.length > 0) return undefined;
  const video: Unplaced = {
    name: ownCopy(m.metadata.name),
    labels: ownStrings(m.metadata.labels ?? {}),
    request: ownStrings(compactCopy(m.spec.request as VideoRequest), false),
    output: m.spec.output?.path ? { path: path.posix.normalize(m.spec.output.path) } : NO_OUTPUT,
    suspend: m.spec.suspend ?? false,
    regenerate: m.spec.regenerate ?? 0,
  };
  if (m.spec.maxCostUsd !== undefined) video.maxCostUsd = m.spec.maxCostUsd;
  video.localInputs = local.inputs.length > 0 ? local.inputs : NO_INPUTS;
  return video;
}

// Most videos have no output path and no local input: they share one frozen empty value of each instead of
// an object and an array apiece (a daemon holds 50,000 videos: ~4 MB, issue 19). Loaded videos are never
// changed in place; frozen, a change would throw rather than reach every video.
const NO_OUTPUT: LoadedVideo['output'] = Object.freeze({});
const NO_INPUTS: LoadedVideo['localInputs'] = Object.freeze([]) as unknown as LoadedVideo['localInputs'];

// A placed video is one object literal with every field (one of four shapes: with or without maxCostUsd
// and outputSource), never built by spread: `{ ...video, source }` gave every one of 50,000 videos a hidden
// class (map and descriptors) of its own, ~300 bytes each (issue 19 item 3, plan peak memory), and fields
// assigned after a literal live in a separate property array (~40 bytes a video). The key order, and so the
// JSON of a video (the parse cache's), is what it was: name … regenerate, maxCostUsd, localInputs, source,
// outputSource.
export type Unplaced = Omit<LoadedVideo, 'source' | 'localInputs'> & { localInputs?: LoadedVideo['localInputs'] };
type Placed = LoadedVideo & { outputSource?: SourceLocation };

/** `video` placed at its source (and its output path's). */
export function place(video: Unplaced, source: LoadedVideo['source'], outputSource: SourceLocation | undefined): LoadedVideo {
  const { name, labels, request, output, suspend, regenerate, maxCostUsd } = video;
  const localInputs = video.localInputs ?? NO_INPUTS;
  let v: Placed;
  if (maxCostUsd === undefined)
    v = outputSource
      ? { name, labels, request, output, suspend, regenerate, localInputs, source, outputSource }
      : { name, labels, request, output, suspend, regenerate, localInputs, source };
  else
    v = outputSource
      ? { name, labels, request, output, suspend, regenerate, maxCostUsd, localInputs, source, outputSource }
      : { name, labels, request, output, suspend, regenerate, maxCostUsd, localInputs, source };
  return v;
}

/**
 * A copy of a parsed request as JSON.parse builds it: each object with exactly its fields in the object itself
 * (a parser's object grown key by key keeps fields past the fourth in a separate property array) and every
 * string a flat string of its own (no slice of the file's text, nor a slice header of ~32 bytes). What the
 * request says is unchanged: it is sent, hashed and stored as JSON. A daemon holds 50,000 requests (issue 19).
 */
function compactCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Lexical containment of an output path (the artifact store re-checks with realpath at write time). */
function isContainedRelative(p: string): boolean {
  if (p.includes('\0') || path.isAbsolute(p) || /^[A-Za-z]:/.test(p)) return false;
  const rel = path.relative('/out', path.resolve('/out', p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !p.endsWith('/');
}
