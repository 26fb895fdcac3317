// The desired-state identity of a render (contract.md): canonical JSON of spec.request with defaults
// applied, local file inputs replaced by their content hash, plus spec.regenerate. Key order, comments,
// labels and output.path never change it.
import { createHash } from 'node:crypto';
import type { LoadedVideo } from './model.js';
import { withDefaults } from './defaults.js';

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The request with defaults applied and local inputs replaced by `sha256:<hex>` (safe to store). */
export function compactRequest(video: Pick<LoadedVideo, 'request' | 'localInputs'>): Record<string, unknown> {
  // Only local inputs are written into the copy: without any, the shallow copy withDefaults makes is enough
  // (a deep clone per video was a third of a cold plan's CPU, issue 19).
  if (video.localInputs.length === 0) return withDefaults(video.request);
  const request = structuredClone(withDefaults(video.request)) as Record<string, unknown>;
  for (const input of video.localInputs) setPointer(request, input.pointer, `sha256:${input.sha256}`);
  return request;
}

// Hashes the loader already knows (from the parse cache, issue 19), by video object: a plan of unchanged
// manifests hashes nothing again.
const known = new WeakMap<object, string>();
export function rememberSpecHash(video: object, hash: string): void {
  known.set(video, hash);
}

export function specHash(video: Pick<LoadedVideo, 'request' | 'regenerate' | 'localInputs'>): string {
  const remembered = known.get(video);
  if (remembered !== undefined) return remembered;
  const doc = { request: compactRequest(video), regenerate: video.regenerate };
  return 'sha256:' + createHash('sha256').update(canonicalJson(doc)).digest('hex');
}

function setPointer(root: Record<string, unknown>, pointer: string, value: string): void {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur: unknown = root;
  for (const [i, part] of parts.entries()) {
    if (cur === null || typeof cur !== 'object') return;
    const c = cur as Record<string, unknown>;
    if (i === parts.length - 1) c[part] = value;
    else cur = c[part];
  }
}

/**
 * What the state keeps of a request: short scalars as they are (outputFormat, numberResults, sizes …),
 * anything longer as a short hash. Enough to name the fields that changed, small enough that a state
 * with 10,000 videos saves quickly.
 */
export function requestDigest(video: Pick<LoadedVideo, 'request' | 'localInputs'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(compactRequest(video))) {
    const short = typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && v.length <= 32);
    out[k] = short ? v : 'h:' + createHash('sha256').update(canonicalJson(v)).digest('hex').slice(0, 12);
  }
  return out;
}
