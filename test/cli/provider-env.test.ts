import { describe, expect, it } from 'vitest';
import { buildProvider, providerSource } from '../../src/cli/provider-env.js';

describe('the provider from the environment (one builder for apply, run and plan --verify-remote)', () => {
  it("without --simulate the key is required, with the caller's message", () => {
    expect(() => providerSource(false, {}, 'no key here')).toThrow(expect.objectContaining({ message: 'no key here', code: 'config.no-key' }));
    expect(providerSource(false, { RUNWARE_API_KEY: 'k-123', RUNWARE_API_URL: 'http://127.0.0.1:9/v1' }, 'x')).toEqual({
      simulate: false,
      apiKey: 'k-123',
      baseUrl: 'http://127.0.0.1:9/v1',
    });
  });

  it('--simulate needs no key and builds the driver against an in-process simulator', async () => {
    const src = providerSource(true, { RUNWARE_API_KEY: 'never-used' }, 'x');
    expect(src.apiKey).toBeUndefined();
    const { provider, sim } = await buildProvider(src);
    try {
      expect(sim?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      expect(typeof provider.submit).toBe('function');
    } finally {
      await sim?.close();
    }
  });
});
