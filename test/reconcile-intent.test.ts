// An intent is bound to its request (issue 17 item 0): which requests an attempt's UUID may carry.
import { describe, expect, it } from 'vitest';
import type { LoadedVideo } from '../src/manifest/model.js';
import { specHash } from '../src/manifest/spec-hash.js';
import { isBoundTo, requestHash } from '../src/reconcile/intent.js';
import type { Attempt } from '../src/state/model.js';

const request = { model: 'klingai:kling-video@3-standard', positivePrompt: 'take ZERO', width: 1280, height: 720 };
const desired = { request, regenerate: 0, localInputs: [] } as unknown as LoadedVideo;
const attempt = (extra: Partial<Attempt>): Attempt => ({
  taskUUID: 'u',
  specHash: specHash(desired),
  createdAt: '',
  state: 'intent',
  sends: 0,
  reservedUsd: 1,
  ...extra,
});

describe('isBoundTo', () => {
  it('the same request (any key order) may be re-sent under the same UUID', () => {
    const a = attempt({ requestHash: requestHash({ height: 720, width: 1280, positivePrompt: 'take ZERO', model: request.model }) });
    expect(isBoundTo(a, { request, hash: requestHash(request) }, desired)).toBe(true);
  });
  it('a changed request (an edited prompt, or a local file whose bytes changed) may not', () => {
    const a = attempt({ requestHash: requestHash(request) });
    const edited = { ...request, positivePrompt: 'take ONE' };
    expect(isBoundTo(a, { request: edited, hash: requestHash(edited) }, desired)).toBe(false);
    const dataUri = { ...request, inputs: { frameImages: ['data:image/png;base64,AAAA'] } };
    const changedFile = { ...request, inputs: { frameImages: ['data:image/png;base64,AAAB'] } };
    expect(isBoundTo(attempt({ requestHash: requestHash(dataUri) }), { request: changedFile, hash: requestHash(changedFile) }, desired)).toBe(false);
  });
  it('an intent from before request hashes goes by its spec hash', () => {
    const edited = { ...desired, request: { ...request, positivePrompt: 'take ONE' } } as LoadedVideo;
    const bound = { request: edited.request, hash: requestHash(edited.request) };
    expect(isBoundTo(attempt({}), bound, edited)).toBe(false);
    expect(isBoundTo(attempt({ specHash: specHash(edited) }), bound, edited)).toBe(true);
  });
});
