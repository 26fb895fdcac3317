// Where the CLI keeps the parse cache: beside a state file; none for a PostgreSQL state or when turned off.
import { describe, expect, it } from 'vitest';
import { manifestCache } from '../../src/cli/manifest-cache.js';

describe('manifestCache', () => {
  it('is on beside a state file, off for a state URL and with REELCTL_PARSE_CACHE=off', async () => {
    expect((await manifestCache('/nonexistent-dir/state.json', {})).cache).toBeDefined();
    expect(await manifestCache('postgres://reelctl@db:5432/reelctl?schema=a', {})).toEqual({});
    expect(await manifestCache('.reelctl/state.json', { REELCTL_PARSE_CACHE: 'off' })).toEqual({});
  });
});
