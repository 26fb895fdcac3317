// Whole-number environment knobs: unset or empty is the default; a typo or an out-of-range value stops the
// command with a usage error naming the variable, before any state is opened (it never becomes the default,
// and REELCTL_POLL_MS=-5 never polls in a tight loop).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envInt } from '../../src/env-int.js';
import { leaseTiming } from '../../src/state/pg/lease.js';
import { parsePgUrl } from '../../src/state/pg/url.js';
import { reelctl } from '../e2e/cli.js';
import { tempDirs } from '../tmp-dirs.js';

const tempDir = tempDirs();
const R = { min: 100, max: 1000 };

describe('envInt', () => {
  it('unset or empty: the default; a whole number in range: itself', () => {
    expect(envInt({}, 'X', 7, R)).toBe(7);
    expect(envInt({ X: ' ' }, 'X', 7, R)).toBe(7);
    expect(envInt({ X: '250' }, 'X', 7, R)).toBe(250);
  });
  it.each(['abc', '-5', '99', '1001', '1.5', '2s'])('"%s" is refused with the variable named', (raw) => {
    expect(() => envInt({ X: raw }, 'X', 7, R)).toThrow(
      expect.objectContaining({ code: 'usage', message: `X must be a whole number from 100 to 1000, got "${raw}"` }),
    );
  });
  it('the PostgreSQL knobs go through it', () => {
    expect(() => leaseTiming({ REELCTL_PG_LOCK_TTL_MS: 'abc' })).toThrow(/REELCTL_PG_LOCK_TTL_MS must be a whole number/);
    expect(() => parsePgUrl('postgres://u@127.0.0.1/test', { REELCTL_PG_IDLE_TX_TIMEOUT_MS: '-1' })).toThrow(/REELCTL_PG_IDLE_TX_TIMEOUT_MS must be/);
    expect(parsePgUrl('postgres://u@127.0.0.1/test', { REELCTL_PG_IDLE_TX_TIMEOUT_MS: '0' }).config.idle_in_transaction_session_timeout).toBe(0);
  });
});

describe('a bad knob on the command line', () => {
  it.each([
    ['REELCTL_POLL_MS', '-5', 'REELCTL_POLL_MS must be a whole number from 100 to 3600000, got "-5"'],
    ['REELCTL_RETRY_MS', '5', 'REELCTL_RETRY_MS must be a whole number from 10 to 3600000, got "5"'],
  ])('apply with %s=%s: exit 1, one line naming it, no state written', async (name, value, message) => {
    const d = tempDir('reelctl-env-int-');
    const state = path.join(d, 'state', 'state.json');
    const r = await reelctl(['apply', '--simulate', 'examples', '--state', state, '--out', path.join(d, 'out'), '--auto-approve'], {
      env: { [name]: value },
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
    expect(existsSync(state)).toBe(false);
  });
});
