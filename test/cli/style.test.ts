import { describe, expect, it } from 'vitest';
import { colorAllowed, makeStyle } from '../../src/cli/style.js';

// NO_COLOR is read in one place (colorAllowed): the plan/status styles and the live progress agree.
describe('colour and NO_COLOR', () => {
  it.each([
    [{}, true],
    [{ NO_COLOR: '1' }, false],
    [{ NO_COLOR: '' }, true], // no-color.org: only a non-empty value disables colour
    [{ TERM: 'dumb' }, false],
  ])('%o → colour %s', (env, on) => {
    expect(colorAllowed(env)).toBe(on);
    expect(makeStyle({ isTTY: true }, env).red('x') !== 'x').toBe(on);
  });
  it('never colour without a terminal', () => expect(makeStyle({ isTTY: false }, {}).red('x')).toBe('x'));
});
