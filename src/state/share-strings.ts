// A state's records, as JSON.parse returns them, hold a string of their own for every value: a record
// repeats its task's UUID in the attempt, its results and its outputs, its spec hash in its history, and
// every record repeats the same phase, state and reason words. At 50,000 records that was ~40 MB of a
// ~130 MB state (issue 19: the daemon's memory). shareRecordStrings makes equal strings one string: within
// a record, all of them; across records, words only (no digits: phases, reasons, messages), through one
// bounded table — ids and times never repeat across records, so they would only fill it.

/** Distinct words shared across records; past this, new ones stay as they are. */
const WORDS_LIMIT = 4096;
/** Longer strings (messages with a path, prompts) are shared within a record only. */
const WORD_MAX = 64;

const words = new Map<string, string>();

/**
 * Replaces, in place, every string in `record` (any depth) by the equal one met first; returns `record`.
 * The short values of the record's request digest (model names such as `klingai:kling-video@3-standard`,
 * `MP4`) repeat across records, digits or not: they are shared across records too (hashes `h:…` are not).
 */
export function shareRecordStrings<T>(record: T): T {
  const seen = new Map<string, string>();
  const share = (s: string, word = s.length <= WORD_MAX && !/\d/.test(s)): string => {
    const known = seen.get(s);
    if (known !== undefined) return known;
    if (word) {
      const word = words.get(s);
      if (word !== undefined) return word;
      if (words.size < WORDS_LIMIT) words.set(s, s);
    }
    seen.set(s, s);
    return s;
  };
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v === 'string') value[i] = share(v);
        else if (v !== null && typeof v === 'object') walk(v);
      }
      return;
    }
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const v = o[k];
      if (typeof v === 'string') o[k] = share(v);
      else if (v !== null && typeof v === 'object') walk(v);
    }
  };
  if (record !== null && typeof record === 'object') {
    const request = (record as { request?: unknown }).request;
    if (request !== null && typeof request === 'object' && !Array.isArray(request)) {
      const r = request as Record<string, unknown>;
      for (const k of Object.keys(r)) {
        const v = r[k];
        if (typeof v === 'string') r[k] = share(v, v.length <= WORD_MAX && !v.startsWith('h:'));
      }
    }
    walk(record);
  }
  return record;
}
