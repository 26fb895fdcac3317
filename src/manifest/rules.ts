// Rules the JSON Schema cannot say, in one place, with one table per model (runware-protocol.md).
// They run on plain request objects and return pointer-located problems, so the loader (which maps
// pointers to FILE:LINE:COL) and the simulator (which answers 400s) apply exactly the same rules.
import { joinPointer } from './pointer.js';

export interface RuleProblem {
  pointer: string; // relative to the request
  code: string;
  message: string;
}

export interface ModelRules {
  sizes: [number, number][];
  defaultDuration: number;
  maxElements: number;
}

/** Per-model rule table: add a row when another Runware video model is supported. */
export const MODEL_RULES: Record<string, ModelRules> = {
  'klingai:kling-video@3-standard': {
    sizes: [[1280, 720], [720, 1280], [960, 960]],
    defaultDuration: 5,
    maxElements: 3,
  },
};

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
  const rules = typeof request.model === 'string' ? MODEL_RULES[request.model] : undefined;
  if (!rules) return out; // the schema reports an unknown model
  const inputs = isObj(request.inputs) ? request.inputs : {};
  checkSize(request, inputs, rules, out);
  checkMultiPrompt(request, rules, out);
  checkElements(request, inputs, rules, out);
  return out;
}

function checkSize(request: Obj, inputs: Obj, rules: ModelRules, out: RuleProblem[]): void {
  const hasW = request.width !== undefined;
  const hasH = request.height !== undefined;
  const hasFrames = Array.isArray(inputs.frameImages) && inputs.frameImages.length > 0;
  if (hasW !== hasH) {
    const missing = hasW ? 'height' : 'width';
    out.push({ pointer: joinPointer(hasW ? 'width' : 'height'), code: 'rule.size-pair', message: `width and height go together: add ${missing}` });
    return;
  }
  if (hasW && hasFrames) {
    out.push({ pointer: joinPointer('width'), code: 'rule.size-or-frames', message: 'give either width+height or inputs.frameImages, not both (the frame images set the size)' });
    return;
  }
  if (!hasW && !hasFrames) {
    out.push({ pointer: '', code: 'rule.size-or-frames', message: 'give either width+height or inputs.frameImages' });
    return;
  }
  if (hasW && typeof request.width === 'number' && typeof request.height === 'number') {
    const ok = rules.sizes.some(([w, h]) => w === request.width && h === request.height);
    if (!ok)
      out.push({
        pointer: joinPointer('width'),
        code: 'rule.size',
        message: `${request.width}×${request.height} is not supported by ${String(request.model)}; use one of ${rules.sizes.map(([w, h]) => `${w}×${h}`).join(', ')}`,
      });
  }
}

function checkMultiPrompt(request: Obj, rules: ModelRules, out: RuleProblem[]): void {
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

function checkElements(request: Obj, inputs: Obj, rules: ModelRules, out: RuleProblem[]): void {
  const elements = Array.isArray(inputs.elements) ? inputs.elements : [];
  elements.forEach((el, i) => {
    if (!isObj(el)) return;
    const at = (f: string) => joinPointer('inputs', 'elements', i, f);
    const has = (f: string) => el[f] !== undefined;
    if (has('images') && !has('frontalImage'))
      out.push({ pointer: at('images'), code: 'rule.element-frontal', message: 'element images need a frontalImage' });
    if (has('videos') && (has('images') || has('frontalImage')))
      out.push({ pointer: at('videos'), code: 'rule.element-videos', message: 'element videos cannot be combined with images or frontalImage' });
    if (has('videos') && has('voices'))
      out.push({ pointer: at('voices'), code: 'rule.element-voices', message: 'element voices cannot be combined with videos' });
    else if (has('voices') && !has('frontalImage') && !has('images'))
      out.push({ pointer: at('voices'), code: 'rule.element-voices', message: 'element voices need images (frontalImage)' });
  });
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
