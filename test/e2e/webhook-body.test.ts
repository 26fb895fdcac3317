// Without the webhook flags the submitted body is byte for byte what it always was; with them it only
// gains webhookURL, and the render's identity (spec hash) is the same.
import { rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadManifests } from '../../src/manifest/load.js';
import { resolveLocalInputs } from '../../src/manifest/local-inputs.js';
import { submitBody } from '../../src/provider/runware/wire.js';
import { readState, videoYaml, workspace, type Workspace } from './harness.js';
import { readyCount, runDaemon, until, webhookFlags } from './webhook-harness.js';

let w: Workspace;
let proxy: http.Server | undefined;
afterEach(async () => {
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  await w?.close();
  rmSync(w.dir, { recursive: true, force: true });
});

/** Forwards API calls to the simulator and keeps the raw text of every submit body. */
async function recordingProxy(target: string) {
  const submits: string[] = [];
  proxy = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      if (text.includes('"videoInference"')) submits.push(text);
      // A failed forward answers 502 instead of leaving an unhandled rejection behind.
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', authorization: String(req.headers.authorization) }, body: text })
        .then(async (r) => void res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()))
        .catch(() => void res.writeHead(502).end());
    });
  });
  await new Promise<void>((r) => proxy!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1`, submits };
}

async function renderOnce(flags: string[], apiUrl: string) {
  rmSync(path.dirname(w.state), { recursive: true, force: true });
  rmSync(w.out, { recursive: true, force: true });
  const d = runDaemon(w, flags, { RUNWARE_API_URL: apiUrl });
  await d.metricsAddr;
  await until('alpha ready', () => readyCount(w) === 1);
  d.child.kill('SIGTERM');
  expect((await d.child).exitCode).toBe(0);
  return readState(w.state).videos.alpha;
}

describe('the submitted body', () => {
  it('is unchanged byte for byte without --webhook-listen; with it only webhookURL is added and the spec hash is the same', async () => {
    w = await workspace();
    w.write('a.yaml', videoYaml('alpha', undefined, '    negativePrompt: "blurry, low quality"\n'));
    const p = await recordingProxy(w.sim.url);
    const before = await renderOnce([], p.url);
    expect(p.submits).toHaveLength(1);
    const [video] = (await loadManifests([w.manifests])).videos;
    const taskUUID = (JSON.parse(p.submits[0]!) as { taskUUID: string }[])[0]!.taskUUID;
    expect(p.submits[0]).toBe(JSON.stringify(submitBody([{ taskUUID, request: (await resolveLocalInputs(video!)) as Record<string, unknown> }])));
    expect(p.submits[0]).not.toContain('webhookURL');

    const after = await renderOnce(webhookFlags, p.url);
    expect(p.submits).toHaveLength(2);
    const [a, b] = p.submits.map((s) => (JSON.parse(s) as Record<string, unknown>[])[0]!);
    expect(String(b!.webhookURL)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\/runware\/alpha\?token=[\w-]{40,}$/);
    const { webhookURL: _h, taskUUID: _u, ...rest } = b!;
    const { taskUUID: _v, ...restBefore } = a!;
    expect(rest).toEqual(restBefore);
    expect(after.specHash).toBe(before.specHash);
  });
});
