// Rules for `spec.output.path` (issue 17): every output must be writable, inside --out, and never share a
// name with another video's output or with a file reelctl itself writes next to it. Checked by `validate`
// (so before anything is paid for), located at the path's FILE:LINE:COL. schemas/video.schema.json says
// the per-path part as a pattern for editors; the messages here are the ones reelctl prints.
import type { ManifestProblem, SourceLocation } from '../errors.js';
import { numberResultsOf, outputBasePath, outputFilePaths } from './defaults.js';
import type { LoadedVideo } from './model.js';

/** Limits of Linux file systems (NAME_MAX, PATH_MAX), in bytes of UTF-8. */
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 4096;
/** The longest name reelctl derives from an output file: `<file>.json.tmp-<pid>` (a pid has at most 7 digits). */
const DERIVED_SUFFIX_BYTES = '.json.tmp-'.length + 7;
/** Names reelctl writes beside an output: `<file>.json` (sidecar), `<file>.part`, `<file>.json.tmp-<pid>`. */
const RESERVED_NAME = /(\.json|\.part|\.tmp-\d*)$/i;
/** Directories reelctl keeps under --out (`.archive/<name>/<stamp>/`, prune and supersede). */
const RESERVED_DIRS = ['.archive'];
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

export interface PathProblem {
  code: string;
  message: string;
}

/** Escapes control characters for a message (a path is shown, never its raw bytes: no terminal injection). */
export function showPath(p: string): string {
  return p.replace(/[\u0000-\u001f\u007f-\u009f]/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Per-video rules for one `spec.output.path` already known to be relative and inside --out. */
export function checkOutputPath(p: string, numberResults: number): PathProblem[] {
  const out: PathProblem[] = [];
  const shown = showPath(p);
  const ctl = CONTROL.exec(p);
  if (ctl) {
    const cp = ctl[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    out.push({ code: 'path.control-char', message: `spec.output.path: "${shown}" contains the control character U+${cp}; use printable characters only` });
  }
  const first = p.split('/')[0]!;
  if (RESERVED_DIRS.includes(first.toLowerCase()))
    out.push({ code: 'path.reserved', message: `spec.output.path: "${shown}" is inside ${first}/, which reelctl keeps for archived outputs` });
  if (RESERVED_NAME.test(p))
    out.push({
      code: 'path.reserved',
      message: `spec.output.path: "${shown}" ends like a file reelctl writes beside every output (.json sidecar, .part download, .tmp- temp file); choose another name`,
    });
  for (const file of outputFilePaths(p, numberResults)) {
    const parts = file.split('/');
    for (const [i, part] of parts.entries()) {
      const limit = i === parts.length - 1 ? MAX_NAME_BYTES - DERIVED_SUFFIX_BYTES : MAX_NAME_BYTES;
      if (bytes(part) > limit) {
        const why = i === parts.length - 1 ? `; reelctl adds up to ${DERIVED_SUFFIX_BYTES} bytes to a file name (".json.tmp-<pid>"), so at most ${limit}` : '';
        out.push({
          code: 'path.too-long',
          message: `spec.output.path: the name "${showPath(part.slice(0, 40))}…" is ${bytes(part)} bytes; names are limited to ${MAX_NAME_BYTES} bytes${why}`,
        });
        return out;
      }
    }
    if (bytes(file) + DERIVED_SUFFIX_BYTES > MAX_PATH_BYTES) {
      out.push({
        code: 'path.too-long',
        message: `spec.output.path: the path is ${bytes(file)} bytes; paths are limited to ${MAX_PATH_BYTES - DERIVED_SUFFIX_BYTES} bytes (${MAX_PATH_BYTES} with what reelctl adds)`,
      });
      return out;
    }
  }
  return out;
}

/** Where a video's output path is set (the `output.path` node), or its document when the path is a default. */
export type OutputLocated = LoadedVideo & { outputSource?: SourceLocation };

/**
 * Across videos: no two write the same file — after case folding (macOS and Windows file systems fold
 * case) and counting the `-1..-N` files of numberResults — and no video's file is another's directory.
 */
export function checkOutputCollisions(videos: OutputLocated[], problems: ManifestProblem[]): void {
  const files = new Map<string, { video: OutputLocated; file: string }>();
  const dirs = new Map<string, { video: OutputLocated; file: string }>();
  const fold = (s: string) => s.normalize('NFC').toLowerCase();
  const where = (v: OutputLocated) => v.outputSource ?? v.source;
  const clash = (v: OutputLocated, file: string, other: { video: OutputLocated; file: string }, what: (theirs: string) => string) => {
    const s = where(other.video);
    const theirs = `"${showPath(other.file)}", the output of video "${other.video.name}" (${s.file}:${s.line}:${s.col})`;
    problems.push({
      ...where(v),
      code: 'path.collision',
      message: `spec.output.path: "${showPath(file)}" ${what(theirs)}; every video needs its own output path`,
    });
  };
  for (const v of videos) {
    const n = numberResultsOf(v.request);
    for (const file of outputFilePaths(outputBasePath(v), typeof n === 'number' ? n : 1)) {
      const key = fold(file);
      const same = files.get(key);
      if (same && same.video !== v) {
        clash(v, file, same, (t) =>
          same.file === file
            ? `is already the output of video "${same.video.name}" (${t.slice(t.lastIndexOf('(') + 1, -1)})`
            : `differs only in letter case from ${t}`,
        );
        break;
      }
      const dirOf = dirs.get(key);
      if (dirOf && dirOf.video !== v) {
        clash(v, file, dirOf, (t) => `is a directory holding ${t}`);
        break;
      }
      const parts = key.split('/');
      const parentClash = parts
        .slice(0, -1)
        .map((_, i) => parts.slice(0, i + 1).join('/'))
        .find((d) => files.has(d) && files.get(d)!.video !== v);
      if (parentClash) {
        clash(v, file, files.get(parentClash)!, (t) => `needs a directory where there is ${t}`);
        break;
      }
      files.set(key, { video: v, file });
      for (let i = 1; i < parts.length; i++) if (!dirs.has(parts.slice(0, i).join('/'))) dirs.set(parts.slice(0, i).join('/'), { video: v, file });
    }
  }
}
