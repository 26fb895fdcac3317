import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (f: string) => parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'deploy', 'kubernetes', f), 'utf8'));

describe('Kubernetes webhook example', () => {
  const service = read('webhook-service.yaml');
  const ingress = read('webhook-ingress.yaml');
  const patch = read('webhook-deployment-patch.yaml');
  const c = patch.spec.template.spec.containers[0];
  it('the receiver has its own port and Service; the metrics port is not routed', () => {
    expect(service.spec.ports).toEqual([{ name: 'webhook', port: 8080, targetPort: 'webhook' }]);
    expect(c.ports.find((p: { name: string }) => p.name === 'webhook').containerPort).toBe(8080);
    const listen = c.args[c.args.indexOf('--webhook-listen') + 1];
    expect(listen).toBe('0.0.0.0:8080');
    expect(c.args[c.args.indexOf('--listen') + 1]).not.toBe(listen);
  });
  it('the Ingress routes only /hooks/runware/ to that Service over TLS, at the URL given to --webhook-url', () => {
    const rule = ingress.spec.rules[0];
    expect(rule.http.paths).toEqual([
      { path: '/hooks/runware/', pathType: 'Prefix', backend: { service: { name: service.metadata.name, port: { name: 'webhook' } } } },
    ]);
    expect(ingress.spec.tls[0].hosts).toContain(rule.host);
    expect(c.args[c.args.indexOf('--webhook-url') + 1]).toBe(`https://${rule.host}`);
  });
  it('the token comes from a mounted Secret file', () => {
    const file = c.env.find((e: { name: string }) => e.name === 'REELCTL_WEBHOOK_TOKEN_FILE').value;
    const mount = c.volumeMounts.find((m: { mountPath: string }) => file.startsWith(m.mountPath));
    expect(patch.spec.template.spec.volumes.find((v: { name: string }) => v.name === mount.name).secret.secretName).toBe(
      read('webhook-secret.example.yaml').metadata.name,
    );
  });
});
