// Local file inputs: a media field written as `./img/a.jpg` or `../shared/a.jpg` is a file next to the
// manifest. It must exist and stay inside the manifests root (realpath + path.relative, so `..` and
// symlinks cannot escape). Its content hash joins the spec hash; at submit it travels as a data URI.
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LoadedVideo, LocalInput, VideoRequest } from './model.js';
import { joinPointer } from './pointer.js';

const MAX_LOCAL_INPUT_BYTES = 10 * 1024 * 1024;

const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.m4a': 'audio/mp4',
  '.ogg': 'audio/ogg',
};

const isLocalRef = (s: string): boolean => s.startsWith('./') || s.startsWith('../') || s.startsWith('/');

/** Pointers (relative to the request) of every media input string. */
function mediaFields(request: VideoRequest): { pointer: string; value: string }[] {
  const out: { pointer: string; value: string }[] = [];
  const inputs = request.inputs as Record<string, unknown> | undefined;
  if (!inputs || typeof inputs !== 'object') return out;
  const strings = (arr: unknown, ...base: (string | number)[]) => {
    if (Array.isArray(arr)) arr.forEach((v, i) => typeof v === 'string' && out.push({ pointer: joinPointer(...base, i), value: v }));
  };
  strings(inputs.referenceImages, 'inputs', 'referenceImages');
  strings(inputs.referenceVideos, 'inputs', 'referenceVideos');
  if (Array.isArray(inputs.frameImages))
    inputs.frameImages.forEach((v, i) => {
      if (typeof v === 'string') out.push({ pointer: joinPointer('inputs', 'frameImages', i), value: v });
      else if (v && typeof v === 'object' && typeof (v as { image?: unknown }).image === 'string')
        out.push({ pointer: joinPointer('inputs', 'frameImages', i, 'image'), value: (v as { image: string }).image });
    });
  if (Array.isArray(inputs.elements))
    inputs.elements.forEach((el, i) => {
      if (!el || typeof el !== 'object') return;
      const e = el as Record<string, unknown>;
      if (typeof e.frontalImage === 'string') out.push({ pointer: joinPointer('inputs', 'elements', i, 'frontalImage'), value: e.frontalImage });
      for (const f of ['images', 'videos', 'voices']) strings(e[f], 'inputs', 'elements', i, f);
    });
  return out;
}

export interface LocalInputProblem {
  pointer: string;
  code: string;
  message: string;
}

/** Resolves and checks every local input of one request. */
export async function collectLocalInputs(
  request: VideoRequest,
  manifestFile: string,
  root: string,
): Promise<{ inputs: LocalInput[]; problems: LocalInputProblem[] }> {
  const inputs: LocalInput[] = [];
  const problems: LocalInputProblem[] = [];
  const refs = mediaFields(request).filter((f) => isLocalRef(f.value));
  if (refs.length === 0) return { inputs, problems };
  const realRoot = await realpath(root).catch(() => path.resolve(root));
  for (const { pointer, value } of refs) {
    if (path.isAbsolute(value)) {
      problems.push({ pointer, code: 'path.absolute', message: `local input "${value}" must be relative to the manifest (./…), not absolute` });
      continue;
    }
    const target = path.resolve(path.dirname(manifestFile), value);
    if (escapes(path.relative(path.resolve(root), target))) {
      problems.push({ pointer, code: 'path.escape', message: `local input "${value}" points outside the manifests root` });
      continue;
    }
    let real: string;
    try {
      real = await realpath(target);
    } catch {
      problems.push({ pointer, code: 'path.missing', message: `local input "${value}" does not exist` });
      continue;
    }
    if (escapes(path.relative(realRoot, real))) {
      problems.push({ pointer, code: 'path.escape', message: `local input "${value}" resolves outside the manifests root ${realRoot}` });
      continue;
    }
    const st = await stat(real);
    if (!st.isFile() || st.size > MAX_LOCAL_INPUT_BYTES) {
      problems.push({ pointer, code: 'path.size', message: `local input "${value}" must be a file of at most ${MAX_LOCAL_INPUT_BYTES / 1024 / 1024} MiB` });
      continue;
    }
    const sha256 = createHash('sha256')
      .update(await readFile(real))
      .digest('hex');
    inputs.push({ pointer, absPath: real, sha256 });
  }
  return { inputs, problems };
}

/** A deep copy of the request with local inputs replaced by data URIs (called right before submit). */
export async function resolveLocalInputs(video: Pick<LoadedVideo, 'request' | 'localInputs'>): Promise<VideoRequest> {
  const request = structuredClone(video.request);
  for (const input of video.localInputs) {
    const mime = MIME[path.extname(input.absPath).toLowerCase()] ?? 'application/octet-stream';
    const data = await readFile(input.absPath);
    setAt(request, input.pointer, `data:${mime};base64,${data.toString('base64')}`);
  }
  return request;
}

const escapes = (rel: string): boolean => rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel);

function setAt(root: Record<string, unknown>, pointer: string, value: string): void {
  const parts = pointer.split('/').slice(1);
  let cur: Record<string, unknown> = root;
  for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
  cur[parts[parts.length - 1]!] = value;
}
