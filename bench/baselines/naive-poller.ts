// The naive peer: what typical scripts and SDK examples do — one request per submitted task, then
// a fixed 2 s poll per task until it finishes. Written honestly (concurrent, no artificial slowness).
import { randomUUID } from 'node:crypto';

export async function naiveRun(url: string, apiKey: string, requests: object[], o: { pollMs: number }): Promise<{ makespanMs: number }> {
  const t0 = Date.now();
  const post = async (body: object[]) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify(body) });
    return (await res.json()) as { data?: { status?: string; taskUUID?: string }[]; errors?: unknown[] };
  };
  await Promise.all(
    requests.map(async (req) => {
      const taskUUID = randomUUID();
      await post([{ ...req, taskType: 'videoInference', taskUUID, deliveryMethod: 'async', includeCost: true }]);
      for (;;) {
        await new Promise((r) => setTimeout(r, o.pollMs));
        const r = await post([{ taskType: 'getResponse', taskUUID }]);
        if (r.data?.some((d) => d.status === 'success') || r.errors?.length) return;
      }
    }),
  );
  return { makespanMs: Date.now() - t0 };
}
