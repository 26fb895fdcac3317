// The simulator calls a task's webhookURL when it ends, as Runware documents: flat task objects, one per
// result, retried while not 2xx; loopback only.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimHandle } from '../../src/provider/sim/server.js';
import { isLoopbackUrl } from '../../src/provider/sim/webhook-sender.js';

let sim: SimHandle | undefined;
let hook: http.Server | undefined;
afterEach(async () => {
  await sim?.close();
  await new Promise((r) => (hook ? hook.close(r) : r(undefined)));
  hook = undefined;
});

/** A receiver that records bodies and answers the scripted statuses (then 200). */
async function receiver(statuses: number[] = []) {
  const bodies: any[] = [];
  hook = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => hook!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/runware/alpha?token=t`, bodies };
}

async function submit(extra: Record<string, unknown>) {
  const taskUUID = randomUUID();
  const task = {
    taskType: 'videoInference',
    taskUUID,
    deliveryMethod: 'async',
    model: 'klingai:kling-video@3-standard',
    positivePrompt: 'a calm lake at dawn',
    width: 1280,
    height: 720,
    duration: 5,
    ...extra,
  };
  const r = await fetch(sim!.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim!.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify([task]),
  });
  expect(r.status).toBe(200);
  return taskUUID;
}

async function until(what: string, fn: () => boolean): Promise<void> {
  for (let i = 0; !fn(); i++) {
    if (i > 400) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('simulator webhooks', () => {
  it('one flat call per result when the render ends, each what getResponse would say', async () => {
    sim = await startSimulator({ latency: { minMs: 50, maxMs: 50 } });
    const h = await receiver();
    const taskUUID = await submit({ webhookURL: h.url, numberResults: 2 });
    await until('two calls answered', () => h.bodies.length === 2 && sim!.webhooks().delivered === 2);
    for (const b of h.bodies) {
      expect(b).toMatchObject({ taskType: 'videoInference', taskUUID, status: 'success' });
      expect(b.data).toBeUndefined();
      expect(b.videoURL).toMatch(/\/_sim\/videos\//);
    }
    expect(new Set(h.bodies.map((b) => b.videoUUID)).size).toBe(2);
    expect(sim.webhooks()).toMatchObject({ delivered: 2, failed: 0, refused: 0, attempts: 2 });
  });

  it('retries while the answer is not 2xx; a failed render posts its error', async () => {
    sim = await startSimulator({ latency: { minMs: 20, maxMs: 20 } });
    const h = await receiver([500, 503]);
    await submit({ webhookURL: h.url });
    await until('the third try', () => sim!.webhooks().delivered === 1);
    expect(h.bodies).toHaveLength(3);
    expect(sim.webhooks().byStatus).toEqual({ 500: 1, 503: 1, 200: 1 });
    sim.setFaults({ generationFailureRate: 1 });
    await submit({ webhookURL: h.url });
    await until('the error call', () => h.bodies.length === 4 && sim!.webhooks().delivered === 2);
    expect(h.bodies[3]).toMatchObject({ status: 'error', code: 'generationFailed' });
  });

  it('never calls anything but loopback; tasks without webhookURL are not called', async () => {
    sim = await startSimulator({ latency: { minMs: 10, maxMs: 10 } });
    await submit({ webhookURL: 'https://hooks.example.com/x?token=t' });
    await submit({});
    expect(sim.webhooks()).toMatchObject({ refused: 1, attempts: 0 });
    for (const ok of ['http://127.0.0.1:1/x', 'http://localhost:9/x', 'http://[::1]:9/x']) expect(isLoopbackUrl(ok)).toBe(true);
    for (const no of ['http://10.0.0.1/x', 'http://127.0.0.1.nip.io/x', 'file:///etc/passwd', 'http://example.com/', 'nonsense'])
      expect(isLoopbackUrl(no)).toBe(false);
  });
});
