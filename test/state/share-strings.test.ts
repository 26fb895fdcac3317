// shareRecordStrings (issue 19: a 50,000-record state held every repeated string once per occurrence)
// only makes equal strings one string: what a record says, its key order and its JSON are unchanged.
import { describe, expect, it } from 'vitest';
import { decodeState } from '../../src/state/codec.js';
import { shareRecordStrings } from '../../src/state/share-strings.js';

describe('shareRecordStrings', () => {
  it('leaves every value, array and key order as JSON.parse gave them', () => {
    const uuid = '00000000-0000-4000-8000-000000000042';
    const text = JSON.stringify({
      phase: 'Ready',
      attempts: [{ taskUUID: uuid, state: 'succeeded', results: [{ videoUUID: uuid, videoURL: `https://x/${uuid}.mp4` }] }],
      outputs: [{ path: 'a.mp4', videoUUID: uuid, taskUUID: uuid, seen: { mtimeNs: '1', ino: '1' } }],
      history: [{ phase: 'Ready' }, { phase: 'Pending', note: null, n: 3, ok: true }],
      labels: { team: 'Ready' },
      request: { model: 'klingai:kling-video@3-standard', outputFormat: 'MP4', positivePrompt: 'h:0123456789ab', width: 1280, x: null },
    });
    const shared = shareRecordStrings(JSON.parse(text) as unknown);
    expect(JSON.stringify(shared)).toBe(text);
    expect(shareRecordStrings(null)).toBe(null);
  });

  it('a decoded state reads the same as before', () => {
    const state = {
      version: 3,
      serial: 2,
      lineage: 'lin',
      videos: {
        a: {
          name: 'a',
          phase: 'Pending',
          specHash: 'sha256:1',
          regenerate: 0,
          outputPath: 'a.mp4',
          attempts: [],
          outputs: [],
          costUsd: 0,
          conditions: [],
          history: [],
          updatedAt: '2026-01-01T00:00:00.000Z',
        },
      },
    };
    expect(JSON.stringify(decodeState(JSON.stringify(state), 'mem'))).toBe(JSON.stringify(state));
  });
});
