// Hostile API answers, manifests and environments against the real CLI (issue 17 items 4, 6, 8, 9).
import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../src/provider/sim/server.js';
import { BIN, reelctl } from './cli.js';
import { startFakeApi, type FakeApi, type FakeBehaviour } from './fake-api.js';
import { videoYaml } from './harness.js';

const ESC = '\x1b';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function workspace() {
  const dir = mkdtempSync(path.join(tmpdir(), 'reelctl-hostile-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const manifests = path.join(dir, 'manifests');
  mkdirSync(manifests);
  return { dir, manifests, state: path.join(dir, 'state', 'state.json'), out: path.join(dir, 'outputs') };
}

async function fake(key: string, b: FakeBehaviour): Promise<FakeApi> {
  const api = await startFakeApi(key, b);
  cleanups.push(() => api.close());
  return api;
}

const args = (w: ReturnType<typeof workspace>, cmd: string, ...rest: string[]) => [cmd, ...rest, '--state', w.state, '--out', w.out];
const env = (api: FakeApi, key: string) => ({ RUNWARE_API_URL: api.url, RUNWARE_API_KEY: key, REELCTL_POLL_MS: '100' });

describe('downloads only from where renders come from (item 4)', () => {
  it('SIGTERM while a never-ending body streams: apply exits within 10 s, nothing under the final name, and the next apply downloads it without paying again', async () => {
    const key = 'rw-term-7f3a9c1e5b2d';
    const api = await fake(key, { video: 'endless' });
    const w = workspace();
    writeFileSync(path.join(w.manifests, 'a.yaml'), videoYaml('alpha'));
    const child = execa('node', [BIN, ...args(w, 'apply', w.manifests)], {
      cwd: w.dir,
      reject: false,
      env: { ...env(api, key), NO_COLOR: '1' },
      timeout: 20_000,
      forceKillAfterDelay: false,
    });
    await api.streaming; // the body is streaming into alpha.mp4.part
    const sentAt = Date.now();
    child.kill('SIGTERM');
    const r = await child;
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('interrupted');
    expect(readdirSync(w.out)).toEqual([]); // neither alpha.mp4 nor alpha.mp4.part
    expect(api.submits).toBe(1);

    api.behaviour.video = 'ok';
    const again = await reelctl(args(w, 'apply', w.manifests), { cwd: w.dir, env: env(api, key) });
    expect(again.exitCode).toBe(0);
    expect(readdirSync(w.out).sort()).toEqual(['alpha.mp4', 'alpha.mp4.json']);
    expect(api.submits).toBe(1); // paid once
  });

  it('a result URL redirected to a link-local (cloud metadata) address is refused: Failed with the reason, exit 1', async () => {
    const key = 'rw-redirect-7f3a9c1e';
    const api = await fake(key, { video: 'redirect-link-local' });
    const w = workspace();
    writeFileSync(path.join(w.manifests, 'a.yaml'), videoYaml('alpha'));
    const r = await reelctl(args(w, 'apply', w.manifests), { cwd: w.dir, env: env(api, key) });
    expect(r.exitCode).toBe(1);
    expect(api.videoRequests).toBe(1); // the redirect itself; the hop it names is never requested
    const status = await reelctl(args(w, 'status', '--json'), { cwd: w.dir });
    const v = JSON.parse(status.stdout).videos[0];
    expect(v.phase).toBe('Failed');
    expect(v.message).toMatch(/refusing to download: 169\.254\.169\.254 is at 169\.254\.169\.254, a link-local address/);
    expect(existsSync(path.join(w.out, 'alpha.mp4'))).toBe(false);
  });
});

describe('size cap (item 4)', () => {
  it('REELCTL_MAX_DOWNLOAD_BYTES caps a file (Failed, nothing written, the render stays paid); a bad value is refused at start', async () => {
    const key = 'rw-cap-7f3a9c1e5b2d';
    const api = await fake(key, { video: 'ok' });
    const w = workspace();
    writeFileSync(path.join(w.manifests, 'a.yaml'), videoYaml('alpha'));
    const bad = await reelctl(args(w, 'apply', w.manifests), { cwd: w.dir, env: { ...env(api, key), REELCTL_MAX_DOWNLOAD_BYTES: 'lots' } });
    expect([bad.exitCode, api.submits]).toEqual([1, 0]);
    expect(bad.stderr).toMatch(/^error: REELCTL_MAX_DOWNLOAD_BYTES must be a number of bytes/m);
    const r = await reelctl(args(w, 'apply', w.manifests), { cwd: w.dir, env: { ...env(api, key), REELCTL_MAX_DOWNLOAD_BYTES: '1K' } });
    expect(r.exitCode).toBe(1);
    const v = JSON.parse((await reelctl(args(w, 'status', '--json'), { cwd: w.dir })).stdout).videos[0];
    expect(v.phase).toBe('Failed');
    expect(v.message).toMatch(/exceeds the limit of 1024 bytes \(REELCTL_MAX_DOWNLOAD_BYTES\)/);
    expect(readdirSync(w.out)).toEqual([]);
    const again = await reelctl(args(w, 'apply', w.manifests), { cwd: w.dir, env: env(api, key) }); // default cap: downloads it
    expect([again.exitCode, api.submits]).toEqual([0, 1]);
  });
});

describe('secrets never stored, whoever echoes them; API text terminal-safe (items 6 and 9)', () => {
  // A key with " and \ is escaped inside JSON text: a scrub of the encoded line missed it.
  const KEY = 'rw-"quo\\te-7f3a9c1e5b2d';
  const forms = [KEY, JSON.stringify(KEY).slice(1, -1)];

  it.each(['text', 'json'])(
    '--log-format %s: an API that quotes the key and sends an ESC — neither reaches the state, status, describe, stdout or stderr',
    async (format) => {
      const api = await fake(KEY, {
        video: 'ok',
        submit: (n) => (n === 0 ? { status: 500, json: { errors: [{ code: 'internal', message: `could not bill key ${KEY}` }] } } : undefined),
        poll: (taskUUID) => ({
          taskType: 'getResponse',
          taskUUID,
          status: 'error',
          code: 'contentRefused',
          message: `refused for ${KEY}${ESC}[2J${ESC}[32m all good`,
        }),
      });
      const w = workspace();
      writeFileSync(path.join(w.manifests, 'a.yaml'), videoYaml('alpha'));
      const apply = await reelctl([...args(w, 'apply', w.manifests), '--log-format', format], { cwd: w.dir, env: env(api, KEY) });
      expect(apply.exitCode).toBe(1);
      const runs = [apply];
      for (const extra of [[], ['--json']]) runs.push(await reelctl(args(w, 'status', ...extra), { cwd: w.dir, env: { RUNWARE_API_KEY: KEY } }));
      runs.push(await reelctl([...args(w, 'describe', 'alpha', w.manifests)], { cwd: w.dir }));
      const stateText = readFileSync(w.state, 'utf8');
      const events = readFileSync(path.join(path.dirname(w.state), 'events.jsonl'), 'utf8');
      for (const text of [stateText, events, ...runs.flatMap((r) => [r.stdout, r.stderr])]) for (const f of forms) expect(text).not.toContain(f);
      for (const r of runs) expect(r.stdout + r.stderr).not.toContain(ESC);
      const v = JSON.parse(runs[2]!.stdout).videos[0];
      expect(v.phase).toBe('Failed');
      expect(v.message).toContain('refused for [REDACTED]'); // the message is kept, the key is not
      expect(runs[1]!.stdout).toContain('\\x1b[2J'); // shown, inert
    },
  );
});

describe('errors, not crashes (item 8)', () => {
  it('a key file with a second line is refused at start naming RUNWARE_API_KEY_FILE: exit 1, no request sent, the key not printed', async () => {
    const sim = await startSimulator({ apiKey: 'line-one-key-abc' });
    cleanups.push(() => sim.close());
    const w = workspace();
    writeFileSync(path.join(w.manifests, 'a.yaml'), videoYaml('alpha'));
    const keyFile = path.join(w.dir, 'key');
    writeFileSync(keyFile, 'line-one-key-abc\nline-two-key-def\n');
    const r = await reelctl(args(w, 'apply', w.manifests), { cwd: w.dir, env: { RUNWARE_API_URL: sim.url, RUNWARE_API_KEY_FILE: keyFile } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: the API key in RUNWARE_API_KEY_FILE \(.*\) contains a line break \(a second line\?\) at character 17/m);
    expect(r.stderr).not.toMatch(/line-one-key|line-two-key|at .*\.js:/);
    expect(sim.stats().requests).toBe(0);
  });

  it('an output directory that cannot be written: one clear message, exit 1, nothing submitted (as root: run as uid 65534, chmod does not stop root)', async () => {
    const sim = await startSimulator({ apiKey: 'rw-perm-7f3a9c1e5b2d', latency: { minMs: 50, maxMs: 100 } });
    cleanups.push(() => sim.close());
    const w = workspace();
    writeFileSync(path.join(w.manifests, 'a.yaml'), videoYaml('alpha'));
    mkdirSync(w.out);
    chmodSync(w.out, 0o500);
    chmodSync(w.dir, 0o777); // the unprivileged child creates the state directory here
    const asRoot = process.getuid?.() === 0;
    const r = await reelctl(args(w, 'apply', w.manifests), {
      cwd: w.dir,
      env: { RUNWARE_API_URL: sim.url, RUNWARE_API_KEY: 'rw-perm-7f3a9c1e5b2d' },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: cannot write to the output directory .*outputs: EACCES \(permission denied\); nothing was submitted/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(sim.stats().accepted).toBe(0);
  });
});

describe('errors, not crashes: output streams (item 8)', () => {
  it('a reader that goes away (`| head -c 1`) is not a crash: no unhandled EPIPE stack trace, exit 0', async () => {
    const w = workspace();
    const docs = Array.from({ length: 800 }, (_, i) => videoYaml(`clip-${i}`)).join('---\n');
    writeFileSync(path.join(w.manifests, 'many.yaml'), docs); // plan --json: ~200 KB, far more than a pipe holds
    // A real pipe to a reader that exits after one byte (a socketpair from execa would absorb the output).
    const r = await execa('bash', ['-c', 'set -o pipefail; node "$@" | head -c 1 >/dev/null', 'bash', BIN, ...args(w, 'plan', '--json', w.manifests)], {
      cwd: w.dir,
      reject: false,
      timeout: 60_000,
    });
    expect(r.stderr).not.toMatch(/Unhandled|EPIPE|at .*\.js/);
    expect(r.exitCode).toBe(0);
  });
});

describe('terminal-safe output from manifests (item 9)', () => {
  it('an ESC in a YAML key and in output.path never reaches the terminal raw: validate and plan show it escaped', async () => {
    const w = workspace();
    const request = videoYaml('esc-key').replace('    duration: 3\n', '    duration: 3\n    "bad\\e[2Jkey": 1\n');
    writeFileSync(path.join(w.manifests, 'key.yaml'), request);
    writeFileSync(path.join(w.manifests, 'raw.yaml'), videoYaml('raw-key').replace('    duration: 3\n', `    raw${ESC}[31mkey: 1\n`));
    const outPath = path.join(w.dir, 'path.yaml');
    writeFileSync(outPath, videoYaml('esc-path') + '  output:\n    path: "clip\\e[2J.mp4"\n');
    const runs = [
      await reelctl(['validate', w.manifests], { cwd: w.dir }),
      await reelctl(['validate', '--json', w.manifests], { cwd: w.dir }),
      await reelctl(['validate', outPath], { cwd: w.dir }),
      await reelctl(args(w, 'plan', outPath), { cwd: w.dir }),
      await reelctl([...args(w, 'plan', outPath), '--markdown'], { cwd: w.dir }),
      await reelctl([...args(w, 'plan', outPath), '--json'], { cwd: w.dir }),
    ];
    expect(runs[0]!.exitCode).toBe(1);
    expect(runs[0]!.stderr).toContain('bad\\x1b[2Jkey');
    for (const r of runs) expect(r.stdout + r.stderr).not.toContain(ESC);
    expect(
      runs
        .slice(2)
        .map((r) => r.stdout + r.stderr)
        .join(''),
    ).toMatch(/clip\\(x1b|u001b)\[2J\.mp4/);
  });
});
