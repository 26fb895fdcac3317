// `reelctl sim --variant a,b`: the simulator a person runs answers in the chosen protocol variants.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, reelctl } from './cli.js';

describe('reelctl sim --variant', () => {
  it('serves the chosen variants: a batched getResponse is refused, a failed render comes back nested', async () => {
    const child = execa(
      'node',
      [BIN, 'sim', '--port', '0', '--api-key', 'k-sim-variant', '--latency', '0', '--fail-rate', '1', '--variant', 'nested-errors,poll-batch-refused'],
      { reject: false },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c;
          const m = /RUNWARE_API_URL=(\S+)[\s\S]*variants: nested-errors, poll-batch-refused/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', () => reject(new Error(`sim exited: ${out}`)));
      });
      const post = async (body: unknown) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { authorization: 'Bearer k-sim-variant', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: res.status, json: (await res.json()) as { data?: Record<string, unknown>[] } };
      };
      const taskUUID = crypto.randomUUID();
      expect(
        (
          await post([
            { taskType: 'videoInference', taskUUID, model: 'klingai:kling-video@3-standard', positivePrompt: 'a lake', width: 1280, height: 720, duration: 5 },
          ])
        ).status,
      ).toBe(200);
      expect(
        (
          await post([
            { taskType: 'getResponse', taskUUID },
            { taskType: 'getResponse', taskUUID: crypto.randomUUID() },
          ])
        ).status,
      ).toBe(400);
      const one = await post([{ taskType: 'getResponse', taskUUID }]);
      expect(one.json.data?.[0]).toMatchObject({ taskUUID, status: 'error', error: { code: 'generationFailed' } });
    } finally {
      child.kill('SIGTERM');
      await child;
    }
  });

  it('an unknown variant is refused with the list of known ones', async () => {
    const r = await reelctl(['sim', '--port', '0', '--variant', 'nested-errors,nope']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/unknown simulator variant "nope"; known: nested-errors, toplevel-errors/);
  });
});
