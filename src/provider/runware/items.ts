// Reading one item of a Runware answer without trusting its shape (runware-protocol.md):
//  - a failure's code and message, nested under `error` (the documented shape) or at the top level;
//  - the status codes that are final for a task whose submission was acknowledged;
//  - every number that would be stored (cost, seed, sizes) checked before anything is written.

/** A failure as reelctl records it: always strings, never "[object Object]". */
export interface ItemError {
  code?: string;
  message?: string;
  parameter?: string;
}

/** For an acknowledged task these end the attempt as Failed; for one never acknowledged they mean "not found". */
export const FINAL_WHEN_ACKNOWLEDGED = new Set(['taskFailedOrNotFound', 'taskExpired', 'taskCancelled']);
/** The API does not know the task: an unknown outcome for a task never acknowledged. */
const NOT_FOUND = new Set(['taskNotFound', 'taskFailedOrNotFound', 'taskExpired', 'taskCancelled']);
export const isNotFoundCode = (code: string | undefined) =>
  !!code && (NOT_FOUND.has(code) || /^(task)?not.?found$|unknown.?task|doesnotexist|invalidtaskuuid/i.test(code));

/** `processing` (documented) and `pending` (an older page): the task runs. Any other value is not understood. */
export const RUNNING_STATUSES = new Set(['processing', 'pending']);

/** Highest cost one result item may report (USD): 15 s × $0.126 × 4 results is $7.56; far above is a bug. */
const MAX_ITEM_COST_USD = 100;

const MAX_TEXT = 500;

/** A value as text: strings as they are, objects as JSON, nothing for absent — bounded in length. */
export function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : typeof v === 'object' ? safeJson(v) : String(v);
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** `{error:{code,message}}` (documented), `{code,message}` (accepted too), or `{error:"text"}`. */
export function readError(item: unknown): ItemError {
  const x = asRecord(item) ?? {};
  const nested = asRecord(x.error);
  const code = text(nested?.code) ?? text(x.code);
  const message = text(nested?.message) ?? text(x.message) ?? (typeof x.error === 'string' ? text(x.error) : undefined);
  const parameter = text(nested?.parameter) ?? text(x.parameter);
  return { ...(code ? { code } : {}), ...(message ? { message } : {}), ...(parameter ? { parameter } : {}) };
}

/** A value the API sent that must not be stored: the field, what came, and what was expected. */
export interface BadNumber {
  field: string;
  value: string;
  expected: string;
}

const RULES: { field: string; ok: (n: number) => boolean; expected: string }[] = [
  { field: 'cost', ok: (n) => n >= 0 && n <= MAX_ITEM_COST_USD, expected: `a number from 0 to ${MAX_ITEM_COST_USD}` },
  { field: 'seed', ok: (n) => Number.isInteger(n) && n >= 0 && n <= 2 ** 64, expected: 'a whole number ≥ 0' },
  { field: 'width', ok: (n) => Number.isInteger(n) && n > 0 && n <= 100_000, expected: 'a whole number of pixels' },
  { field: 'height', ok: (n) => Number.isInteger(n) && n > 0 && n <= 100_000, expected: 'a whole number of pixels' },
  { field: 'duration', ok: (n) => n > 0 && n <= 3600, expected: 'seconds from 0 to 3600' },
];

/** The first number in `item` that is not finite and in range (absent fields are fine). */
export function badNumber(item: unknown): BadNumber | undefined {
  const x = asRecord(item) ?? {};
  for (const r of RULES) {
    if (!(r.field in x) || x[r.field] === undefined || x[r.field] === null) continue;
    const v = x[r.field];
    if (typeof v !== 'number' || !Number.isFinite(v) || !r.ok(v)) return { field: r.field, value: text(v) ?? String(v), expected: r.expected };
  }
  return undefined;
}

/** A cost worth keeping, or nothing (a quote that fails the checks is dropped, never stored). */
export function validCost(v: unknown): number | undefined {
  return badNumber({ cost: v }) || typeof v !== 'number' ? undefined : v;
}
