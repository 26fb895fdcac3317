// <<<element_N>>> references (issue 18 item 5): elements are numbered from 1, so element_0 refers to
// nothing, and a number past inputs.elements refers to nothing either; both are refused at the prompt.
import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../src/manifest/validate-request.js';

const withPrompt = (positivePrompt: string, elements: number) =>
  validateRequest({
    model: 'klingai:kling-video@3-standard',
    positivePrompt,
    inputs: { elements: Array.from({ length: elements }, (_, i) => ({ id: `e${i}`, frontalImage: 'f', images: ['i'] })) },
  });

describe('element references in the prompt', () => {
  it.each([
    ['<<<element_0>>> waves', 2, ['<<<element_0>>> refers to element 0, but inputs.elements has 2']],
    ['<<<element_3>>> waves', 2, ['<<<element_3>>> refers to element 3, but inputs.elements has 2']],
    ['<<<element_1>>> meets <<<element_2>>>', 2, []],
  ])('%s with %i elements', (prompt, n, messages) => {
    const problems = withPrompt(prompt, n);
    expect(problems.map((p) => p.message)).toEqual(messages);
    for (const p of problems) expect(p).toMatchObject({ pointer: '/positivePrompt', code: 'rule.element-ref' });
  });
});
