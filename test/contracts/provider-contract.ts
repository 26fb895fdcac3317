// One contract every Provider must honour (the HTTP driver against the simulator, the in-memory fake).
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PollOutcome, Provider, SubmitOutcome, VideoTask } from '../../src/provider/types.js';

export interface ProviderHarness {
  provider: Provider;
  /** Let simulated render time pass (real sleep or a fake clock). */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

export const task = (over: Record<string, unknown> = {}): VideoTask => ({
  taskUUID: randomUUID(),
  request: { model: 'klingai:kling-video@3-standard', positivePrompt: 'a calm lake at dawn', width: 1280, height: 720, duration: 5, ...over },
});

async function drain(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

export function providerContract(name: string, make: () => Promise<ProviderHarness>) {
  describe(`Provider contract: ${name}`, () => {
    it('accepts a task, and a re-send of the same UUID reports it as already accepted', async () => {
      const h = await make();
      const t = task();
      expect(await h.provider.submit([t])).toEqual([{ taskUUID: t.taskUUID, status: 'accepted' }]);
      expect(await h.provider.submit([t])).toEqual([{ taskUUID: t.taskUUID, status: 'accepted', alreadyAccepted: true }]);
      await h.close();
    });

    it('handles data and errors in one response per task', async () => {
      const h = await make();
      const good = task();
      const bad = task({ height: undefined }); // a width without a height: known to be wrong
      const [a, b] = (await h.provider.submit([good, bad])) as [SubmitOutcome, SubmitOutcome];
      expect(a).toMatchObject({ taskUUID: good.taskUUID, status: 'accepted' });
      expect(b).toMatchObject({ taskUUID: bad.taskUUID, status: 'rejected' });
      if (b!.status === 'rejected') {
        expect(b.error.kind).toBe('terminal');
        expect(b.error.message).toMatch(/add height too/);
        expect(b.error.parameter).toBe('width');
      }
      await h.close();
    });

    it('runs the async lifecycle: processing, then success with one item per numberResults', async () => {
      const h = await make();
      const t = task({ numberResults: 2, duration: 6 });
      await h.provider.submit([t]);
      expect((await h.provider.poll([t.taskUUID]))[0]!.status).toBe('processing');
      await h.elapse(400);
      const [o] = (await h.provider.poll([t.taskUUID])) as [PollOutcome];
      expect(o!.status).toBe('success');
      if (o!.status === 'success') {
        expect(o.videos).toHaveLength(2);
        expect(o.videos.reduce((s, v) => s + (v.cost ?? 0), 0)).toBeCloseTo(0.504 * 2, 6);
        const dl = await h.provider.download(o.videos[0]!.videoURL!);
        const bytes = await drain(dl.body);
        expect(bytes.subarray(4, 8).toString('ascii')).toBe('ftyp');
        expect(bytes.length).toBe(dl.contentLength);
        const tail = await h.provider.download(o.videos[0]!.videoURL!, { offset: 100 });
        expect(tail.status).toBe(206);
        expect(Buffer.compare(await drain(tail.body), bytes.subarray(100))).toBe(0);
      }
      await h.close();
    });

    it('polls several tasks in one call, an unknown UUID as unknown', async () => {
      const h = await make();
      const t = task();
      await h.provider.submit([t]);
      const unknown = randomUUID();
      const outcomes = await h.provider.poll([t.taskUUID, unknown]);
      expect(outcomes.map((o) => [o.taskUUID, o.status])).toEqual([
        [t.taskUUID, 'processing'],
        [unknown, 'unknown'],
      ]);
      await h.close();
    });
  });
}
