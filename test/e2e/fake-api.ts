// A hostile stand-in for the Runware API on 127.0.0.1 (issue 17): answers the same wire protocol, but its
// messages, result URLs and video bodies are whatever a test wants — an error quoting the key, an ESC, a
// redirect to a metadata address, a body that never ends.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sample } from '../../src/provider/sim/video-files.js';

type VideoMode = 'ok' | 'endless' | 'redirect-link-local';

export interface FakeBehaviour {
  /** Answer to the n-th (0-based) submit request; default: accepted. */
  submit?: (n: number, taskUUID: string) => { status: number; json: unknown } | undefined;
  /** Poll item for a task; default: success with `${origin}/video/<mode>.mp4`. */
  poll?: (taskUUID: string, origin: string) => Record<string, unknown>;
  video: VideoMode;
}

export interface FakeApi {
  url: string;
  behaviour: FakeBehaviour;
  submits: number;
  videoRequests: number;
  /** Resolves once an endless body has started streaming. */
  streaming: Promise<void>;
  close(): Promise<void>;
}

export async function startFakeApi(key: string, behaviour: FakeBehaviour): Promise<FakeApi> {
  let markStreaming: () => void = () => undefined;
  const timers = new Set<NodeJS.Timeout>();
  const api: FakeApi = { url: '', behaviour, submits: 0, videoRequests: 0, streaming: new Promise((r) => (markStreaming = r)), close: async () => undefined };
  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/video/')) return video(req.url, res);
    if (req.headers.authorization !== `Bearer ${key}`) return json(res, 401, { errors: [{ code: 'invalidApiKey', message: 'bad key' }] });
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const tasks = JSON.parse(text) as { taskType: string; taskUUID: string }[];
      const data: unknown[] = [];
      for (const t of tasks) {
        if (t.taskType === 'videoInference') {
          const custom = behaviour.submit?.(api.submits, t.taskUUID);
          api.submits++;
          if (custom) return json(res, custom.status, custom.json);
          data.push({ taskType: 'videoInference', taskUUID: t.taskUUID });
        } else
          data.push(
            behaviour.poll?.(t.taskUUID, origin()) ?? {
              taskType: 'getResponse',
              taskUUID: t.taskUUID,
              status: 'success',
              videoUUID: `v-${t.taskUUID}`,
              videoURL: `${origin()}/video/${behaviour.video}.mp4`,
              cost: 0.25,
            },
          );
      }
      json(res, 200, { data });
    });
  });
  function video(url: string, res: ServerResponse) {
    api.videoRequests++;
    const mp4 = sample('mp4');
    if (url === '/video/redirect-link-local.mp4') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    // The endless URL serves a whole file once the test switches `video` away from 'endless' (the server recovered).
    if (url !== '/video/endless.mp4' || behaviour.video !== 'endless')
      return res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(mp4.length) }).end(mp4);
    // A valid start, then a trickle that never ends (fast enough that no idle timeout fires).
    res.writeHead(200, { 'content-type': 'video/mp4' });
    res.write(mp4.subarray(0, 4096), () => markStreaming());
    const t = setInterval(() => res.write(Buffer.alloc(512)), 20);
    timers.add(t);
    res.on('close', () => (clearInterval(t), timers.delete(t)));
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.url = `${origin()}/v1`;
  api.close = () => {
    for (const t of timers) clearInterval(t);
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r()));
  };
  return api;
}
