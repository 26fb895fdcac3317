// Rules the JSON Schema cannot say, in one place, reading the one model table (models.ts). The schema says
// what it can (width needs height, element field combinations: dependentRequired / dependentSchemas).
// They run on plain request objects and return pointer-located problems, so the loader (which maps
// pointers to FILE:LINE:COL) and the simulator (which answers 400s) apply exactly the same rules.
// Only what is known to be wrong is refused: no size and no frame images, only referenceImages or only
// elements are all valid requests (the model page's own elements examples give neither).
import { MODELS, type ModelInfo } from './models.js';
import { joinPointer } from './pointer.js';

export interface RuleProblem {
  pointer: string; // relative to the request
  code: string;
  message: string;
}

/** Fields reelctl owns on the wire; a manifest must not set them. */
export const OWNED_FIELDS = ['taskType', 'taskUUID', 'deliveryMethod'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function checkRequestRules(request: unknown, opts: { wire?: boolean } = {}): RuleProblem[] {
  if (!isObj(request)) return [];
  const out: RuleProblem[] = [];
  if (!opts.wire) {
    for (const f of OWNED_FIELDS)
      if (f in request) out.push({ pointer: joinPointer(f), code: 'rule.owned-field', message: `reelctl sets ${f} itself; remove it from spec.request` });
  }
  const rules = typeof request.model === 'string' ? MODELS[request.model] : undefined;
  if (!rules) return out; // the schema reports an unknown model
  const inputs = isObj(request.inputs) ? request.inputs : {};
  checkSize(request, rules, out);
  checkMultiPrompt(request, rules, out);
  checkElements(request, inputs, rules, out);
  checkMediaInputs(inputs, out);
  return out;
}

/** A size is refused only when the model's list of sizes is known to be complete (width needs height: schema). */
function checkSize(request: Obj, rules: ModelInfo, out: RuleProblem[]): void {
  const { width, height } = request;
  if (!rules.sizes.complete || typeof width !== 'number' || typeof height !== 'number') return;
  if (!rules.sizes.known.some(([w, h]) => w === width && h === height))
    out.push({
      pointer: joinPointer('width'),
      code: 'rule.size',
      message: `${width}×${height} is not supported by ${String(request.model)}; use one of ${rules.sizes.known.map(([w, h]) => `${w}×${h}`).join(', ')}`,
    });
}

function checkMultiPrompt(request: Obj, rules: ModelInfo, out: RuleProblem[]): void {
  const ps = isObj(request.providerSettings) && isObj(request.providerSettings.klingai) ? request.providerSettings.klingai : undefined;
  const segs = ps?.multiPrompt;
  if (!Array.isArray(segs) || segs.length === 0) return;
  const duration = typeof request.duration === 'number' ? request.duration : rules.defaultDuration;
  let sum = 0;
  for (const s of segs) {
    if (!isObj(s) || typeof s.duration !== 'number') return; // the schema reports it
    sum += s.duration;
  }
  if (sum !== duration)
    out.push({
      pointer: joinPointer('providerSettings', 'klingai', 'multiPrompt'),
      code: 'rule.multiprompt-duration',
      message: `multiPrompt segment durations add up to ${sum}s but duration is ${duration}s; they must be equal`,
    });
}

/** Element field combinations are in the schema; what is left is the prompt's <<<element_N>>> references. */
function checkElements(request: Obj, inputs: Obj, rules: ModelInfo, out: RuleProblem[]): void {
  const elements = Array.isArray(inputs.elements) ? inputs.elements : [];
  if (typeof request.positivePrompt !== 'string') return;
  for (const m of request.positivePrompt.matchAll(/<<<element_(\d+)>>>/g)) {
    const n = Number(m[1]);
    if (n < 1 || n > elements.length || n > rules.maxElements)
      out.push({
        pointer: joinPointer('positivePrompt'),
        code: 'rule.element-ref',
        message: `<<<element_${n}>>> refers to element ${n}, but inputs.elements has ${elements.length}`,
      });
  }
}

const isLocalPath = (s: string): boolean => s.startsWith('./') || s.startsWith('../') || s.startsWith('/');

/**
 * Videos and audio go to the API as a URL or the UUID of media uploaded to Runware (`referenceVideos`:
 * "UUID, URL"). A local file would have to go up through Runware's mediaStorage first, which reelctl does
 * not do yet; a data URI is not what the API documents for them. Both are refused here, located.
 */
function checkMediaInputs(inputs: Obj, out: RuleProblem[]): void {
  const fields: [unknown, (string | number)[], string][] = [[inputs.referenceVideos, ['inputs', 'referenceVideos'], 'video']];
  if (Array.isArray(inputs.elements))
    inputs.elements.forEach((el, i) => {
      if (!isObj(el)) return;
      fields.push([el.videos, ['inputs', 'elements', i, 'videos'], 'video'], [el.voices, ['inputs', 'elements', i, 'voices'], 'audio']);
    });
  for (const [list, base, kind] of fields) {
    if (!Array.isArray(list)) continue;
    list.forEach((value, i) => {
      if (typeof value !== 'string') return;
      const pointer = joinPointer(...base, i);
      if (isLocalPath(value))
        out.push({
          pointer,
          code: 'input.local-media',
          message: `local ${kind} file "${value}" cannot be sent: the API takes a ${kind} as a URL or the UUID of media uploaded to Runware (uploading local ${kind} files through Runware's mediaStorage is not built into reelctl yet)`,
        });
      else if (/^data:/i.test(value))
        out.push({
          pointer,
          code: 'input.data-uri',
          message: `a ${kind} cannot go as a data URI: the API takes a ${kind} as a URL or the UUID of media uploaded to Runware`,
        });
    });
  }
}
