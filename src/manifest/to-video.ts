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
    request: ownStrings(m.spec.request as VideoRequest),
    output: m.spec.output?.path ? { path: path.posix.normalize(m.spec.output.path) } : {},
    suspend: m.spec.suspend ?? false,
    regenerate: m.spec.regenerate ?? 0,
  };
  if (m.spec.maxCostUsd !== undefined) video.maxCostUsd = m.spec.maxCostUsd;
  video.localInputs = local.inputs;
  return video;
}

// A video is one object literal whose later fields are assigned in order (maxCostUsd, localInputs, then
// source and outputSource where it is placed), never rebuilt by spread: `{ ...video, source }` gave every
// one of 50,000 videos a hidden class (map and descriptors) of its own, ~300 bytes each (issue 19 item 3,
// plan peak memory). The key order, and so the JSON of a video (the parse cache's), is what it was.
export type Unplaced = Omit<LoadedVideo, 'source' | 'localInputs'> & { localInputs?: LoadedVideo['localInputs'] };
type Placed = LoadedVideo & { outputSource?: SourceLocation };

/** `video` placed at its source (and its output path's): the same object, given its last fields. */
export function place(video: Unplaced, source: LoadedVideo['source'], outputSource: SourceLocation | undefined): LoadedVideo {
  const v = video as Placed;
  v.source = source;
  if (outputSource) v.outputSource = outputSource;
  return v;
}

/** Lexical containment of an output path (the artifact store re-checks with realpath at write time). */
function isContainedRelative(p: string): boolean {
  if (p.includes('\0') || path.isAbsolute(p) || /^[A-Za-z]:/.test(p)) return false;
  const rel = path.relative('/out', path.resolve('/out', p));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) && !p.endsWith('/');
}
