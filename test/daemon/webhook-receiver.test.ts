import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/clock.js';
import { silentLogger } from '../../src/log.js';
import { startWebhookReceiver, taskUUIDs, type HintResult, type WebhookReceiver } from '../../src/daemon/webhook/receiver.js';
import { tokenChecker } from '../../src/daemon/webhook/token.js';

const TOKEN = 'current-token-0123456789abcdef';
const OLD = 'previous-token-0123456789abcdef';
const UUID = '3b241101-e2bb-4255-8caf-4136c566a962';

let r: WebhookReceiver | undefined;
afterEach(async () => r?.close());

async function receiver(hint: (id: string, u: string) => HintResult = () => 'woken', ready = true) {
  const clock = new FakeClock();
  const hints: [string, string][] = [];
  r = await startWebhookReceiver({
    listen: { host: '127.0.0.1', port: 0 },
    check: tokenChecker({ current: TOKEN, previous: OLD }, { elapsed: () => clock.elapsed(), previousUntil: clock.elapsed() + 60_000 }),
    target: () => (ready ? { hint: (id, u) => (hints.push([id, u]), hint(id, u)) } : undefined),
    logger: silentLogger(),
    maxBodyBytes: 1024,
  });
  const base = `http://127.0.0.1:${r.address.port}`;
  return { base, hints, clock };
}

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (x) => ({
    status: x.status,
    body: await x.text(),
  }));

/** A chunked body (no content-length), written in pieces: the cap must stop the reading itself. */
function postChunked(url: string, parts: number, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    for (let i = 0; i < parts; i++) req.write('x'.repeat(size));
    req.end();
  });
}

describe('webhook receiver', () => {
  it('a valid call wakes its video (202) with the path id and the body taskUUID', async () => {
    const { base, hints } = await receiver();
    const res = await post(
      `${base}/hooks/runware/alpha?token=${TOKEN}`,
      JSON.stringify({ taskType: 'videoInference', taskUUID: UUID, videoURL: 'http://evil/x.mp4', cost: 99 }),
    );
    expect(res.status).toBe(202);
    expect(hints).toEqual([['alpha', UUID]]);
    expect(r!.counts()).toEqual({ woken: 1 });
  });

  it('wrong, missing or empty token → 401 and the target is never asked', async () => {
    const { base, hints } = await receiver();
    const body = JSON.stringify({ taskUUID: UUID });
    for (const q of ['?token=wrong', '', '?token=', `?token=${TOKEN}x`, `?tok=${TOKEN}`])
      expect((await post(`${base}/hooks/runware/alpha${q}`, body)).status).toBe(401);
    expect(hints).toEqual([]);
    expect(r!.counts()).toEqual({ unauthorized: 5 });
  });

  it('the previous token is accepted during its grace period, then refused', async () => {
    const { base, hints, clock } = await receiver();
    const body = JSON.stringify({ taskUUID: UUID });
    expect((await post(`${base}/hooks/runware/alpha?token=${OLD}`, body)).status).toBe(202);
    await clock.advance(60_000);
    expect((await post(`${base}/hooks/runware/alpha?token=${OLD}`, body)).status).toBe(401);
    expect((await post(`${base}/hooks/runware/alpha?token=${TOKEN}`, body)).status).toBe(202);
    expect(hints).toHaveLength(2);
  });

  it('bodies over the cap → 413, by content-length or while reading a chunked body', async () => {
    const { base, hints } = await receiver();
    expect((await post(`${base}/hooks/runware/alpha?token=${TOKEN}`, 'x'.repeat(4096))).status).toBe(413);
    expect(await postChunked(`${base}/hooks/runware/alpha?token=${TOKEN}`, 64, 512)).toBe(413);
    expect(hints).toEqual([]);
    expect(r!.counts()).toEqual({ too_large: 2 });
  });

  it('unknown paths 404, bad bodies 400, before the state is loaded 503 (Runware retries)', async () => {
    const { base } = await receiver();
    expect((await post(`${base}/hooks/other/alpha?token=${TOKEN}`, '{}')).status).toBe(404);
    expect((await post(`${base}/hooks/runware/a/b?token=${TOKEN}`, '{}')).status).toBe(404);
    expect((await post(`${base}/hooks/runware/alpha?token=${TOKEN}`, 'not json')).status).toBe(400);
    expect((await post(`${base}/hooks/runware/alpha?token=${TOKEN}`, JSON.stringify({ taskUUID: 'nope' }))).status).toBe(400);
    expect((await fetch(`${base}/hooks/runware/alpha?token=${TOKEN}`)).status).toBe(400);
    await r!.close();
    const later = await receiver(undefined, false);
    expect((await post(`${later.base}/hooks/runware/alpha?token=${TOKEN}`, JSON.stringify({ taskUUID: UUID }))).status).toBe(503);
  });

  it('settled and unknown tasks are answered 2xx (nothing to retry) and change nothing', async () => {
    const { base } = await receiver((_id, u) => (u === UUID ? 'duplicate' : 'unknown'));
    const dup = await post(`${base}/hooks/runware/alpha?token=${TOKEN}`, JSON.stringify({ taskUUID: UUID }));
    expect([dup.status, JSON.parse(dup.body).result]).toEqual([200, 'duplicate']);
    const unk = await post(`${base}/hooks/runware/alpha?token=${TOKEN}`, JSON.stringify({ taskUUID: UUID.replace('3b', '4c') }));
    expect([unk.status, JSON.parse(unk.body).result]).toEqual([200, 'unknown']);
  });
});

describe('receiver listen errors', () => {
  it('a port in use is one clear message', async () => {
    await receiver();
    const again = startWebhookReceiver({
      listen: { host: '127.0.0.1', port: r!.address.port },
      check: () => undefined,
      target: () => undefined,
      logger: silentLogger(),
    });
    await expect(again).rejects.toThrow(/cannot listen on --webhook-listen 127\.0\.0\.1:\d+: address already in use/);
  });
});

describe('taskUUIDs (what a body names)', () => {
  it('reads the flat task object, a data wrapper or an array; nothing else', () => {
    expect(taskUUIDs(JSON.stringify({ taskUUID: UUID }))).toEqual([UUID]);
    expect(taskUUIDs(JSON.stringify({ data: [{ taskUUID: UUID }, { taskUUID: UUID }] }))).toEqual([UUID]);
    expect(taskUUIDs(JSON.stringify([{ taskUUID: UUID.toUpperCase() }]))).toEqual([UUID]);
    for (const bad of ['', 'null', '"x"', '{}', JSON.stringify({ taskUUID: 5 }), JSON.stringify({ taskUUID: '../../etc' })])
      expect(taskUUIDs(bad)).toBeUndefined();
  });
});
