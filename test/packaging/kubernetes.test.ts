// deploy/kubernetes/ must run as written: parse the manifests and assert what the Pod Security "restricted"
// level requires (https://kubernetes.io/docs/concepts/security/pod-security-standards/), plus what git-sync
// and the daemon need to start on a read-only root filesystem.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/cli.js';

const dir = path.join(ROOT, 'deploy', 'kubernetes');
const docs = (f: string) => parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as Record<string, any>);
const deployment = docs('deployment.yaml').find((d) => d.kind === 'Deployment')!;
const pod = deployment.spec.template.spec;
const containers: any[] = [...pod.containers, ...(pod.initContainers ?? [])];
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

describe('deploy/kubernetes', () => {
  it('every file kustomize lists parses, and every file is listed', () => {
    const k = docs('kustomization.yaml')[0]!;
    for (const f of k.resources) expect(docs(f).length, f).toBeGreaterThan(0);
    expect(k.resources).toEqual(expect.arrayContaining(['deployment.yaml', 'service.yaml', 'pvc.yaml']));
  });

  it('passes the Pod Security "restricted" level', () => {
    for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) expect(pod[f], f).not.toBe(true);
    for (const v of pod.volumes)
      expect(
        Object.keys(v)
          .filter((k) => k !== 'name')
          .every((k) => RESTRICTED_VOLUMES.includes(k)),
        v.name,
      ).toBe(true);
    for (const c of containers) {
      const sc = c.securityContext ?? {};
      const eff = (k: string) => sc[k] ?? pod.securityContext?.[k];
      expect(sc.privileged, c.name).not.toBe(true);
      expect(sc.allowPrivilegeEscalation, c.name).toBe(false);
      expect(eff('runAsNonRoot'), c.name).toBe(true);
      expect(eff('runAsUser'), c.name).not.toBe(0);
      expect(['RuntimeDefault', 'Localhost'], c.name).toContain(eff('seccompProfile')?.type);
      expect(sc.capabilities?.drop, c.name).toContain('ALL');
      expect(
        (sc.capabilities?.add ?? []).every((a: string) => a === 'NET_BIND_SERVICE'),
        c.name,
      ).toBe(true);
      for (const p of c.ports ?? []) expect(p.hostPort, c.name).toBeUndefined();
    }
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('read-only root filesystems, with writable /tmp (and HOME for git-sync) on emptyDirs', () => {
    const emptyDirs = new Set(pod.volumes.filter((v: any) => v.emptyDir).map((v: any) => v.name));
    for (const c of containers) {
      expect(c.securityContext.readOnlyRootFilesystem, c.name).toBe(true);
      const tmp = c.volumeMounts.find((m: any) => m.mountPath === '/tmp');
      expect(tmp && emptyDirs.has(tmp.name) && !tmp.readOnly, `${c.name}: writable /tmp`).toBe(true);
    }
    const sync = containers.find((c) => c.name === 'git-sync')!;
    const home = sync.env.find((e: any) => e.name === 'HOME')?.value;
    expect(sync.volumeMounts.some((m: any) => !m.readOnly && emptyDirs.has(m.name) && (home === m.mountPath || home?.startsWith(m.mountPath + '/')))).toBe(
      true,
    );
    // git-sync's root is the volume the daemon reads; the daemon's path lies under git-sync's link.
    const root = /--root=(\S+)/.exec(sync.args.join(' '))![1]!;
    const link = /--link=(\S+)/.exec(sync.args.join(' '))![1]!;
    const daemon = containers.find((c) => c.name === 'reelctl')!;
    expect(daemon.args[1].startsWith(`${root}/${link}/`)).toBe(true);
    expect(daemon.volumeMounts.find((m: any) => m.mountPath === root)?.readOnly).toBe(true);
  });

  it('probes and the metrics port point at the daemon', () => {
    const daemon = containers.find((c) => c.name === 'reelctl')!;
    expect(daemon.readinessProbe.httpGet.path).toBe('/readyz');
    expect(daemon.livenessProbe.httpGet.path).toBe('/healthz');
    expect(daemon.args).toContain('0.0.0.0:9464');
    expect(deployment.spec.strategy.type).toBe('Recreate');
  });
});
