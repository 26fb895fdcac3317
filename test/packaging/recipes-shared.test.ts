import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const dir = path.resolve(import.meta.dirname, '..', '..', 'deploy', 'kubernetes-shared');
const docs = readdirSync(dir).flatMap((f) => parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()));
const deploy = docs.find((d) => d.kind === 'Deployment');
const c = deploy.spec.template.spec.containers.find((x: { name: string }) => x.name === 'reelctl');

describe('Kubernetes recipe for several replicas (run --shared)', () => {
  it('runs 3 replicas of run --shared on a PostgreSQL URL taken from a Secret, the password apart', () => {
    expect(deploy.spec.replicas).toBe(3);
    expect(c.args.slice(0, 3)).toEqual(['run', '/manifests/repo/manifests', '--shared']);
    const stateArg = c.args[c.args.indexOf('--state') + 1];
    expect(stateArg).toBe('$(REELCTL_STATE_URL)');
    const env = Object.fromEntries(c.env.map((e: { name: string; valueFrom?: unknown; value?: string }) => [e.name, e]));
    expect(env.REELCTL_STATE_URL.valueFrom.secretKeyRef.name).toBe('reelctl-postgres');
    expect(env.PGPASSWORD.valueFrom.secretKeyRef.name).toBe('reelctl-postgres');
    const secret = docs.find((d) => d.kind === 'Secret' && d.metadata.name === 'reelctl-postgres');
    expect(secret.stringData.url).toMatch(/^postgres:\/\/[^:@]+@/); // no password in the URL
  });

  it('shares one ReadWriteMany outputs volume, probes /healthz and /readyz', () => {
    const out = c.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/data/outputs');
    const vol = deploy.spec.template.spec.volumes.find((v: { name: string }) => v.name === out.name);
    const pvc = docs.find((d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === vol.persistentVolumeClaim.claimName);
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(c.args[c.args.indexOf('--out') + 1]).toBe('/data/outputs');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
  });
});
