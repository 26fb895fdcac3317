import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveWebhookTokens, tokenChecker, TOKEN_FILE_NAME } from '../../src/daemon/webhook/token.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
const tmp = () => (dir = mkdtempSync(path.join(tmpdir(), 'reelctl-token-')));

describe('webhook token', () => {
  it('is generated once beside the state (mode 0600, no temp file left) and kept across restarts', async () => {
    const state = path.join(tmp(), 'state', 'state.json');
    const a = await resolveWebhookTokens({}, state);
    expect(a.source).toBe('generated');
    expect(a.current.length).toBeGreaterThanOrEqual(40);
    const file = path.join(path.dirname(state), TOKEN_FILE_NAME);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(state))).toEqual([TOKEN_FILE_NAME]);
    const b = await resolveWebhookTokens({}, state);
    expect([b.source, b.current]).toEqual(['kept', a.current]);
  });

  it('two processes racing to create it agree on one token', async () => {
    const state = path.join(tmp(), 'state.json');
    const all = await Promise.all(Array.from({ length: 8 }, () => resolveWebhookTokens({}, state)));
    expect(new Set(all.map((t) => t.current)).size).toBe(1);
    expect(all.filter((t) => t.source === 'generated')).toHaveLength(1);
    expect(readFileSync(path.join(dir!, TOKEN_FILE_NAME), 'utf8').trim()).toBe(all[0]!.current);
  });

  it('REELCTL_WEBHOOK_TOKEN, then _FILE, win over the kept file; the previous one comes from _PREVIOUS(_FILE)', async () => {
    const d = tmp();
    const state = path.join(d, 'state.json');
    writeFileSync(path.join(d, 'tok'), 'from-a-file-0123456789\n');
    writeFileSync(path.join(d, 'old'), 'old-from-a-file-0123456789\n');
    expect(
      await resolveWebhookTokens({ REELCTL_WEBHOOK_TOKEN: 'from-the-env-0123456789', REELCTL_WEBHOOK_TOKEN_FILE: path.join(d, 'tok') }, state),
    ).toMatchObject({ current: 'from-the-env-0123456789', source: 'env' });
    const f = await resolveWebhookTokens({ REELCTL_WEBHOOK_TOKEN_FILE: path.join(d, 'tok'), REELCTL_WEBHOOK_TOKEN_PREVIOUS_FILE: path.join(d, 'old') }, state);
    expect(f).toMatchObject({ current: 'from-a-file-0123456789', previous: 'old-from-a-file-0123456789', source: 'file' });
    expect(readdirSync(d).includes(TOKEN_FILE_NAME)).toBe(false);
    // A Secret mounted without its optional `previous` key: no previous token, not an error.
    const none = await resolveWebhookTokens(
      { REELCTL_WEBHOOK_TOKEN_FILE: path.join(d, 'tok'), REELCTL_WEBHOOK_TOKEN_PREVIOUS_FILE: path.join(d, 'absent') },
      state,
    );
    expect(none.previous).toBeUndefined();
  });

  it('refuses a short token and an unreadable or empty token file', async () => {
    const d = tmp();
    await expect(resolveWebhookTokens({ REELCTL_WEBHOOK_TOKEN: 'short' }, path.join(d, 's.json'))).rejects.toThrow(/at least 16/);
    await expect(resolveWebhookTokens({ REELCTL_WEBHOOK_TOKEN_FILE: path.join(d, 'missing') }, path.join(d, 's.json'))).rejects.toThrow(/cannot read/);
    writeFileSync(path.join(d, 'empty'), '\n');
    await expect(resolveWebhookTokens({ REELCTL_WEBHOOK_TOKEN_FILE: path.join(d, 'empty') }, path.join(d, 's.json'))).rejects.toThrow(/empty/);
  });

  it('the checker: current always, previous until its deadline, nothing else (any length)', () => {
    let now = 0;
    const check = tokenChecker({ current: 'c'.repeat(20), previous: 'p'.repeat(20) }, { elapsed: () => now, previousUntil: 1000 });
    expect(check('c'.repeat(20))).toBe('current');
    expect(check('p'.repeat(20))).toBe('previous');
    for (const bad of [null, undefined, '', 'c', 'c'.repeat(21), 'x'.repeat(5000)]) expect(check(bad)).toBeUndefined();
    now = 1000;
    expect(check('p'.repeat(20))).toBeUndefined();
    expect(check('c'.repeat(20))).toBe('current');
  });
});
