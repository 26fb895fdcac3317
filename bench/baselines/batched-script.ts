// The batched peer (issue 19 item 6): what a careful 30-line script does — submit in arrays (25 tasks per
// request, as reelctl does), then every poll interval ONE getResponse request for everything pending (no
// cap on its size), download what finished. No retries, pacing, verification or state: the floor for
// requests a batching client can reach, and for makespan at a fixed poll interval.
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

type Item = { status?: string; taskUUID?: string; videoURL?: string };

export async function batchedRun(
  url: string,
  apiKey: string,
  requests: object[],
  o: { pollMs: number; dir: string; submitBatch?: number },
): Promise<{ makespanMs: number }> {
  const t0 = Date.now();
  const post = async (body: object[]) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { data?: Item[]; errors?: { taskUUID?: string }[] };
  };
  const tasks = requests.map((req) => ({ ...req, taskType: 'videoInference', taskUUID: randomUUID(), deliveryMethod: 'async', includeCost: true }));
  const size = o.submitBatch ?? 25;
  const batches = Array.from({ length: Math.ceil(tasks.length / size) }, (_, i) => tasks.slice(i * size, (i + 1) * size));
  await Promise.all(batches.map((b) => post(b)));
  const pending = new Set<string>(tasks.map((t) => t.taskUUID));
  const downloads: Promise<void>[] = [];
  while (pending.size > 0) {
    await new Promise((r) => setTimeout(r, o.pollMs));
    const r = await post([...pending].map((taskUUID) => ({ taskType: 'getResponse', taskUUID })));
    for (const d of r.data ?? [])
      if (d.status === 'success' && d.videoURL && d.taskUUID && pending.delete(d.taskUUID)) {
        const file = path.join(o.dir, `${d.taskUUID}.mp4`);
        downloads.push(fetch(d.videoURL).then(async (v) => writeFile(file, Buffer.from(await v.arrayBuffer()))));
      }
    for (const e of r.errors ?? []) if (e.taskUUID) pending.delete(e.taskUUID);
  }
  await Promise.all(downloads);
  return { makespanMs: Date.now() - t0 };
}
