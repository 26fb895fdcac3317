// No container engine or cluster runs here: these tests check the recipes' key properties instead.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');

describe('Dockerfile', () => {
  const df = read('Dockerfile');
  const lines = df.split('\n').filter((l) => l && !l.startsWith('#'));
  it('is multi-stage on a current Node LTS slim base', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms) expect(f).toMatch(/^FROM node:(22|24)-\w+-slim\b/);
  });
  it('installs production dependencies only in the runtime stage', () => {
    const runtime = df.slice(df.lastIndexOf('FROM '));
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).not.toMatch(/npm ci --no-audit --no-fund\n/);
  });
  it('runs as a non-root user, with an init, exec-form entrypoint, and the daemon as default command', () => {
    const user = lines.findIndex((l) => /^USER (?!root|0\b)/.test(l));
    const entry = lines.findIndex((l) => l.startsWith('ENTRYPOINT '));
    expect(user).toBeGreaterThan(-1);
    expect(user).toBeLessThan(entry);
    const ep = JSON.parse(lines[entry]!.slice('ENTRYPOINT '.length));
    expect(ep[0]).toMatch(/tini/);
    expect(ep).toContain('/app/dist/cmd/reelctl.js');
    const cmd = JSON.parse(lines.find((l) => l.startsWith('CMD '))!.slice(4));
    expect(cmd.slice(0, 2)).toEqual(['run', '/manifests']);
    expect(cmd.join(' ')).toMatch(/--state \/data\/state\.json --out \/data\/outputs/);
  });
  it('stops with SIGTERM and checks /healthz', () => {
    expect(lines).toContain('STOPSIGNAL SIGTERM');
    expect(df).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
  });
  it('has a .dockerignore that keeps node_modules and outputs out of the context', () => {
    const ignore = read('.dockerignore').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', 'outputs', '.reelctl']));
  });
});

describe('Kubernetes and compose examples', () => {
  const docs = readdirSync(path.join(root, 'deploy/kubernetes')).flatMap((f) => parseAllDocuments(read(`deploy/kubernetes/${f}`)).map((d) => d.toJS()));
  const deploy = docs.find((d) => d.kind === 'Deployment');
  it('runs exactly one writer: one replica, Recreate', () => {
    expect(deploy.spec.replicas).toBe(1);
    expect(deploy.spec.strategy.type).toBe('Recreate');
  });
  it('keeps /data on a PVC, the key in a Secret file, probes on /healthz and /readyz', () => {
    const c = deploy.spec.template.spec.containers.find((x: { name: string }) => x.name === 'reelctl');
    const vols = deploy.spec.template.spec.volumes;
    const dataVol = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/data').name;
    expect(vols.find((v: { name: string }) => v.name === dataVol).persistentVolumeClaim.claimName).toBe(
      docs.find((d) => d.kind === 'PersistentVolumeClaim').metadata.name,
    );
    const keyFile = c.env.find((e: { name: string }) => e.name === 'RUNWARE_API_KEY_FILE').value;
    const keyMount = c.volumeMounts.find((m: { mountPath: string }) => keyFile.startsWith(m.mountPath));
    expect(vols.find((v: { name: string }) => v.name === keyMount.name).secret).toBeDefined();
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.resources.limits.memory).toBeDefined();
    expect(deploy.spec.template.spec.containers.some((x: { image: string }) => /git-sync/.test(x.image))).toBe(true);
  });
  it('compose reads the key from a secret file', () => {
    const compose = parse(read('deploy/docker-compose.yml'));
    expect(compose.services.reelctl.environment.RUNWARE_API_KEY_FILE).toMatch(/^\/run\/secrets\//);
    expect(compose.services.reelctl.volumes).toContain('reelctl-data:/data');
  });
});

describe('CI recipes', () => {
  const files = [
    'examples/github-actions/.github/workflows/reelctl-plan.yml',
    'examples/github-actions/.github/workflows/reelctl-apply.yml',
    'examples/gitlab-ci/.gitlab-ci.yml',
  ];
  it.each(files)('%s parses and uses only contract commands and flags', (f) => {
    const text = read(f);
    expect(() => parse(text)).not.toThrow();
    const code = text
      .split('\n')
      .filter((l) => !l.trim().startsWith('#'))
      .join('\n');
    const known = new Set(['validate', 'plan', 'apply', 'run', 'status', 'sim', 'schema', 'describe', 'init', 'completion']);
    const calls = [...code.matchAll(/^\s*(?:- |run: )?reelctl (\w+)/gm)];
    expect(calls.length).toBeGreaterThan(0);
    for (const m of calls) expect(known.has(m[1]!), m[0]).toBe(true);
    const gitAndTools = [
      '--orphan',
      '--no-audit',
      '--no-fund',
      '--quiet',
      '--depth',
      '--branch',
      '--detach',
      '--exit-code',
      '--heads',
      '--cached',
      '--only-show-errors',
      '--short',
    ];
    for (const flag of code.matchAll(/\s(--[a-z-]+)/g))
      expect(['--markdown', '--detailed-exitcode', '--state', '--out', '--max-cost', '--auto-approve', ...gitAndTools]).toContain(flag[1]);
  });
  it('the apply recipes guard against two writers', () => {
    expect(read(files[1]!)).toMatch(/concurrency:\s*\n\s*group:/);
    expect(read(files[2]!)).toMatch(/resource_group:/);
  });
});
