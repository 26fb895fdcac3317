// Strings a YAML parser returns are slices of the file's text, and a slice keeps the whole text alive: a
// loaded video held its file (~1 KB) besides its prompts. Kept for the life of a plan or a daemon's desired
// set, 50,000 of those were tens of MB at the plan's peak (issue 19 item 3). ownStrings copies every long
// string of a parsed value out of its source and shares the short ones that repeat across manifests
// (model names, label values, formats) through one bounded table; values and key order are unchanged.

/** Strings at least this long may be slices of their source (V8 copies shorter substrings). */
const SLICE_MIN = 13;
/** Strings up to this long are shared; longer ones (prompts, URLs) rarely repeat. */
const SHARE_MAX = 64;
/** Distinct shared strings kept: past this, new ones are only copied (a daemon's table stays bounded). */
const SHARED_LIMIT = 4096;

const shared = new Map<string, string>();

/** One copy of `s` for every equal string (while the table has room), a copy of its own otherwise. */
function own(s: string, copy: boolean): string {
  if (s.length <= SHARE_MAX) {
    const known = shared.get(s);
    if (known !== undefined) return known;
    const mine = copy ? detached(s) : s;
    if (shared.size < SHARED_LIMIT) shared.set(mine, mine);
    return mine;
  }
  return copy ? detached(s) : s;
}

/** A flat copy of `s` that shares no storage with the text it was cut from. */
function detached(s: string): string {
  // Concatenating makes a rope; slicing it flattens the rope into a new string first.
  return s.length < SLICE_MIN ? s : (' ' + s).slice(1);
}

/**
 * Replaces, in place, every string inside `value` (objects and arrays, any depth) by its own copy
 * (`copy`: a freshly parsed value) or by the shared equal one, and returns `value`. Object keys are
 * left alone (V8 interns them).
 */
export function ownStrings<T>(value: T, copy = true): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') value[i] = own(v, copy);
      else if (v !== null && typeof v === 'object') ownStrings(v, copy);
    }
    return value;
  }
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (typeof v === 'string') o[k] = own(v, copy);
    else if (v !== null && typeof v === 'object') ownStrings(v, copy);
  }
  return value;
}

/** A flat copy of a string that is not shared (a video's name: unique, never worth a table slot). */
export function ownCopy(s: string): string {
  return detached(s);
}
