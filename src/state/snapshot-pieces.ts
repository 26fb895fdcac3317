// A state snapshot as the file store writes it: small states in one indented piece (for people), large ones
// compact in pieces of about 1 MB (never the whole state as one string), with each record's digest taken on
// the way for the writer's "did it change" check (writer.ts).
import { createHash } from 'node:crypto';
import { encodeState, PRETTY_MAX_VIDEOS } from './codec.js';
import type { StateFile, VideoState } from './model.js';

/** Pieces of the snapshot of a large state: about this many characters each. */
const PIECE = 1 << 20;

/**
 * The whole state in pieces of about 1 MB, filling `digests` with each record's digest on the way. Records
 * are serialized as the pieces are taken (the store writes each before it asks for the next): a record
 * changed meanwhile is written as it is then, and its digest says so (a save that follows compares it).
 */
export function* encodeSnapshot(s: StateFile, digests: Map<string, string>): Generator<string> {
  const entries = Object.entries(s.videos);
  if (entries.length <= PRETTY_MAX_VIDEOS) {
    for (const [name, v] of entries) digests.set(name, digest(JSON.stringify(v)));
    yield encodeState(s); // small: pretty, for people
    return;
  }
  const { videos: _videos, ...top } = s; // every top-level field (version, serial, lineage, budget …), then the videos
  let piece = `${JSON.stringify(top).slice(0, -1)},"videos":{`;
  let first = true;
  for (const [name, v] of entries) {
    const json = JSON.stringify(v satisfies VideoState);
    digests.set(name, digest(json));
    piece += `${first ? '' : ','}${JSON.stringify(name)}:${json}`;
    first = false;
    if (piece.length >= PIECE) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}}}\n`;
}

/** A record's digest as the writer compares it with what is on disk. */
export function digest(json: string): string {
  return createHash('sha1').update(json).digest('base64');
}
