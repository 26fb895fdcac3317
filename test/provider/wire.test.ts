// The client's reading of Runware answers (runware/wire.ts, items.ts), shape by shape.
import { describe, expect, it } from 'vitest';
import { badNumber, readError } from '../../src/provider/runware/items.js';
import { httpError, pollOutcomes, submitOutcomes } from '../../src/provider/runware/wire.js';
import { task } from '../contracts/provider-contract.js';

describe('readError', () => {
  it('reads nested, top-level and plain-string errors, never "[object Object]"', () => {
    expect(readError({ status: 'error', error: { code: 'generationError', message: 'boom' } })).toEqual({ code: 'generationError', message: 'boom' });
    expect(readError({ status: 'error', code: 'x', message: 'y', parameter: 'width' })).toEqual({ code: 'x', message: 'y', parameter: 'width' });
    expect(readError({ error: 'plain text' })).toEqual({ message: 'plain text' });
    expect(readError({ error: { code: 'c', message: { detail: 'nested object' } } })).toEqual({ code: 'c', message: '{"detail":"nested object"}' });
  });
});

describe('badNumber', () => {
  it('names the first field that is not finite and in range', () => {
    expect(badNumber({ cost: 0.42, seed: 12345, width: 1280, height: 720 })).toBeUndefined();
    expect(badNumber({ cost: 1e304 })).toMatchObject({ field: 'cost' });
    expect(badNumber({ cost: -50 })).toMatchObject({ field: 'cost', value: '-50' });
    expect(badNumber({ cost: '0.42' })).toMatchObject({ field: 'cost' });
    expect(badNumber({ seed: 1.5 })).toMatchObject({ field: 'seed' });
    expect(badNumber({ width: 0 })).toMatchObject({ field: 'width' });
  });
});

describe('submitOutcomes', () => {
  it('a taskless conflict is the task\'s in a one-task request, and "unattributed" (never rejected) in a batch', () => {
    const one = [task()];
    expect(submitOutcomes(one, { errors: [{ code: 'conflictTaskUUID', message: 'conflict' }] }, 400)).toEqual([
      { taskUUID: one[0]!.taskUUID, status: 'accepted', alreadyAccepted: true },
    ]);
    const two = [task(), task()];
    const out = submitOutcomes(two, { data: [{ taskUUID: two[0]!.taskUUID }], errors: [{ code: 'conflictTaskUUID', message: 'conflict' }] }, 200);
    expect(out[0]).toMatchObject({ status: 'accepted' });
    expect(out[1]).toMatchObject({ status: 'unknown', error: { code: 'conflict.unattributed' } });
  });

  it('drops a quoted cost that fails the checks', () => {
    const t = [task()];
    expect(submitOutcomes(t, { data: [{ taskUUID: t[0]!.taskUUID, cost: -1 }] }, 200)).toEqual([{ taskUUID: t[0]!.taskUUID, status: 'accepted' }]);
  });
});

describe('pollOutcomes', () => {
  const u = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
  it('no item at all is "no-answer", not "not found"; not-found codes stay unknown for the caller to judge', () => {
    expect(pollOutcomes([u], {})[0]).toMatchObject({ status: 'unknown', error: { code: 'no-answer' } });
    expect(pollOutcomes([u], { errors: [{ code: 'taskFailedOrNotFound', message: 'gone', taskUUID: u }] })[0]).toMatchObject({
      status: 'unknown',
      error: { code: 'taskFailedOrNotFound' },
    });
  });
  it('an unknown status is reported with its raw value; a success without videoURL is a delivery', () => {
    expect(pollOutcomes([u], { data: [{ taskUUID: u, status: 'fa\u001biled' }] })[0]).toMatchObject({
      status: 'unknown',
      error: { code: 'protocol.unknown-status', message: expect.stringContaining('"fa\\u001biled"') },
    });
    expect(pollOutcomes([u], { data: [{ taskUUID: u, status: 'pending' }] })[0]).toEqual({ taskUUID: u, status: 'processing' });
    expect(pollOutcomes([u], { data: [{ taskUUID: u, status: 'success', videoUUID: 'v1', cost: 0.42 }] })[0]).toEqual({
      taskUUID: u,
      status: 'success',
      videos: [{ videoUUID: 'v1', cost: 0.42 }],
    });
  });
});

describe('httpError', () => {
  it('408 is transient, like 429 and 5xx', () => {
    expect(httpError(408, undefined)).toMatchObject({ kind: 'transient', code: 'http.408' });
    expect(httpError(400, { errors: [{ code: 'invalidX', message: 'no' }] })).toMatchObject({ kind: 'terminal', code: 'invalidX' });
  });
});
