import { afterEach, describe, expect, it } from 'vitest';
import { armFailpoints, failpoint } from '../src/failpoints.js';

// The entry point arms the failpoints from REELCTL_FAILPOINT (cmd/reelctl.ts); the core never reads the environment.
describe('failpoints', () => {
  afterEach(() => armFailpoints(undefined));

  it('are free and silent until armed', () => {
    expect(() => failpoint('before-rename')).not.toThrow();
  });

  it('fire as armed, one list of name:action pairs', () => {
    armFailpoints('before-rename:error, during-state-write:enospc');
    expect(() => failpoint('before-rename')).toThrow(/failpoint before-rename: error/);
    expect(() => failpoint('during-state-write')).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    expect(() => failpoint('after-rename')).not.toThrow();
    armFailpoints('');
    expect(() => failpoint('before-rename')).not.toThrow();
  });
});
