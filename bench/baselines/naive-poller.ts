// The naive peer: what typical scripts and SDK examples do — one request per submitted task, a fixed 2 s
// poll per task until it finishes, then download the video to a file. Written honestly (concurrent, no
// artificial slowness); it just never batches, paces or verifies anything.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function naiveRun(url: string, apiKey: string, requests: object[], o: { pollMs: number; dir: string }): Promise<{ makespanMs: number }> {
  const t0 = Date.now();
  const post = async (body: object[]) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { data?: { status?: string; taskUUID?: string; videoURL?: string }[]; errors?: unknown[] };
  };
  await Promise.all(
    requests.map(async (req) => {
      const taskUUID = randomUUID();
      await post([{ ...req, taskType: 'videoInference', taskUUID, deliveryMethod: 'async', includeCost: true }]);
      for (;;) {
        await new Promise((r) => setTimeout(r, o.pollMs));
        const r = await post([{ taskType: 'getResponse', taskUUID }]);
        const done = r.data?.find((d) => d.status === 'success');
        if (done?.videoURL) {
          const video = await fetch(done.videoURL);
          await writeFile(path.join(o.dir, `${taskUUID}.mp4`), Buffer.from(await video.arrayBuffer()));
          return;
        }
        if (r.errors?.length) return;
      }
    }),
  );
  return { makespanMs: Date.now() - t0 };
}
