// Issue 17 item 0: an intent is bound to the request it was made for. A crash leaves an intent; the prompt
// is edited; the next apply must never send the old UUID with the new request.
import { afterEach, describe, expect, it } from 'vitest';
import { assertInvariants, readState, videoYaml, workspace, type Workspace } from './harness.js';

let w: Workspace;
afterEach(async () => w?.close());

const prompts = () => w.sim.tasks().map((t) => ({ uuid: t.taskUUID, prompt: t.request.positivePrompt }));

describe('an intent is bound to its request', () => {
  it.each(['wait', 'abandon'])(
    'crash after the intent was saved (never sent), prompt edited (--supersede %s): the old UUID is dropped unpaid, the new prompt is paid once',
    async (mode) => {
      w = await workspace();
      w.write('a.yaml', videoYaml('alpha', 'take ZERO'));
      const crashed = await w.apply([], { REELCTL_FAILPOINT: 'after-intent-persisted:crash' });
      expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
      const old = readState(w.state).videos.alpha.attempts[0];
      expect(old.state).toBe('intent');
      w.write('a.yaml', videoYaml('alpha', 'take ONE'));
      const again = await w.apply(['--supersede', mode]);
      expect(again.exitCode, again.stderr).toBe(0);
      const state = assertInvariants(w, { expectReady: 1 });
      // Exactly one paid render, of the new prompt, under a fresh UUID.
      expect(prompts()).toEqual([{ uuid: expect.not.stringMatching(old.taskUUID), prompt: 'take ONE' }]);
      const v = state.videos.alpha;
      expect(v.previous).toBeUndefined(); // nothing of "take ZERO" was ever rendered
      const dropped = v.attempts.find((a: { taskUUID: string }) => a.taskUUID === old.taskUUID);
      expect(dropped).toMatchObject({ state: 'abandoned', costUsd: 0 });
      expect(v.outputs.every((o: { taskUUID: string }) => o.taskUUID === prompts()[0]!.uuid)).toBe(true);
      expect(v.costUsd).toBe(v.attempts.find((a: { taskUUID: string }) => a.taskUUID !== old.taskUUID).costUsd);
    },
  );

  it('crash after the send (accepted), prompt edited: the old render is kept under the OLD spec hash, the new prompt is paid once', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha', 'take ZERO'));
    const crashed = await w.apply([], { REELCTL_FAILPOINT: 'after-submit:crash' });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const old = readState(w.state).videos.alpha.attempts[0];
    w.write('a.yaml', videoYaml('alpha', 'take ONE'));
    const again = await w.apply();
    expect(again.exitCode, again.stderr).toBe(0);
    const state = assertInvariants(w, { expectReady: 1 });
    const sent = prompts();
    expect(sent).toHaveLength(2);
    expect(sent).toContainEqual({ uuid: old.taskUUID, prompt: 'take ZERO' });
    expect(sent.find((t) => t.prompt === 'take ONE')!.uuid).not.toBe(old.taskUUID);
    const v = state.videos.alpha;
    expect(v.previous?.specHash).toBe(old.specHash);
    expect(v.previous.outputs.every((o: { taskUUID: string }) => o.taskUUID === old.taskUUID)).toBe(true);
    expect(v.specHash).not.toBe(old.specHash);
    expect(v.outputs.every((o: { taskUUID: string }) => o.taskUUID !== old.taskUUID)).toBe(true);
  });
});
