// deploy/ is generated: its CRDs are `packsync crds` output, and the rest is the self-hosting
// package deploy/package rendered with its defaults. These tests keep the two in sync and check
// the package passes `packsync validate` and `packsync tree`, and the manifests keep their
// promises (security context, probes, RBAC covering every packsync kind).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { crds } from '../../src/apis/index.js';
import { webhookPaths } from '../../src/webhook/index.js';
import {
  deployDir,
  packageCrdFiles,
  packageDir,
  plain,
  plainDeployFiles,
  renderSelfPackage,
  type ManifestObject as KubeObject,
} from '../../scripts/deploy-files.js';
import { runCli } from '../helpers/cli-capture.js';

const regenerate = 'deploy/ is stale: run npx tsx scripts/generate-deploy.ts';

function docs(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

const key = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('deploy/', () => {
  it('holds the generated files, byte for byte', async () => {
    for (const f of [...packageCrdFiles(), ...(await plainDeployFiles())]) {
      expect(readFileSync(join(deployDir, f.path), 'utf8'), `${f.path}: ${regenerate}`).toBe(
        f.content,
      );
    }
    const crdFiles = readdirSync(join(packageDir, 'crds')).sort();
    expect(crdFiles, regenerate).toEqual(packageCrdFiles().map((f) => f.path.slice(13)));
  });

  it('is the self-hosting package rendered: the same objects, without package annotations', async () => {
    const { phases, objects: rendered } = await renderSelfPackage();
    // deploy/ holds one file per phase, in phase order.
    const phaseOf = (o: KubeObject) =>
      phases.indexOf(o.metadata.annotations?.['package-operator.run/phase'] ?? '');
    const objects = [...rendered].sort((a, b) => phaseOf(a) - phaseOf(b));
    const applied = readdirSync(deployDir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .flatMap((f) => docs(join(deployDir, f)));
    expect(applied.map(key)).toEqual(objects.map(key));
    const byKey = new Map(applied.map((o) => [key(o), o]));
    for (const o of objects) {
      const p = plain(o);
      const a = byKey.get(key(o));
      if (o.kind === 'CustomResourceDefinition') {
        // The CRDs are `packsync crds` output: the package's copy only adds its annotations.
        expect(a).toEqual(crds().find((c) => c.metadata.name === o.metadata.name));
        expect({ ...a, metadata: o.metadata }).toEqual(o);
      } else {
        expect(a, key(o)).toEqual(p);
      }
    }
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(
      crds().length,
    );
  });

  it('passes packsync validate and tree', async () => {
    const v = await runCli('validate', packageDir);
    expect(v).toMatchObject({ code: 0, out: 'Package validated successfully!' });
    const t = await runCli('tree', packageDir, '--cluster');
    expect(t.code).toBe(0);
    expect(t.out.split('\n').filter((l) => l.startsWith('└── Phase'))).toEqual([
      '└── Phase crds',
      '└── Phase namespace',
      '└── Phase rbac',
      '└── Phase deploy',
    ]);
    expect(t.out).toContain('apps/v1, Kind=Deployment packsync-system/packsync-manager');
  });

  it('runs the manager locked down, probed and with a pull cache', async () => {
    const { objects } = await renderSelfPackage();
    const d = objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: { template: { spec: Record<string, unknown> } };
    };
    const pod = d.spec.template.spec as {
      securityContext: Record<string, unknown>;
      containers: Record<string, unknown>[];
      volumes: { name: string; emptyDir?: unknown }[];
    };
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const c = pod.containers[0]!;
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'health' } });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'health' } });
    expect(c.resources).toMatchObject({ requests: {}, limits: {} });
    expect(pod.volumes.find((v) => v.name === 'pull-cache')?.emptyDir).toBeDefined();
    expect(c.env).toContainEqual({ name: 'PACKSYNC_PULL_CACHE_DIR', value: '/var/cache/packsync' });
  });

  it('grants the manager every packsync kind, its status and finalizers, and the lease in its namespace', async () => {
    const { objects } = await renderSelfPackage();
    type Rule = { apiGroups?: string[]; resources?: string[]; verbs: string[] };
    const rulesOf = (kind: string, name: string) =>
      (
        objects.find((o) => o.kind === kind && o.metadata.name === name) as unknown as {
          rules: Rule[];
        }
      ).rules;
    const allows = (rules: Rule[], group: string, resource: string, verb: string) =>
      rules.some(
        (r) =>
          r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.includes(verb),
      );
    const manager = rulesOf('ClusterRole', 'packsync-manager');
    for (const crd of crds()) {
      const { group } = crd.spec;
      const plural = crd.spec.names.plural;
      for (const verb of ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'])
        expect(allows(manager, group, plural, verb), `${verb} ${plural}`).toBe(true);
      if (crd.spec.versions[0]?.subresources?.status !== undefined)
        expect(allows(manager, group, `${plural}/status`, 'update'), `${plural}/status`).toBe(true);
    }
    expect(allows(manager, '', 'events', 'create')).toBe(true);
    const role = rulesOf('Role', 'packsync-manager');
    for (const verb of ['get', 'create', 'update'])
      expect(allows(role, 'coordination.k8s.io', 'leases', verb)).toBe(true);
    // Nothing but the documented managed-objects role grants wildcards.
    for (const o of objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')) {
      const wild = ((o as unknown as { rules?: Rule[] }).rules ?? []).some((r) =>
        r.verbs.includes('*'),
      );
      expect(wild, o.metadata.name).toBe(o.metadata.name === 'packsync-managed-objects-all');
    }
  });

  it('with webhook: true, registers every webhook path the manager serves, over the Service', async () => {
    const { objects } = await renderSelfPackage({ webhook: true });
    const vwc = objects.find((o) => o.kind === 'ValidatingWebhookConfiguration') as unknown as {
      metadata: { annotations: Record<string, string> };
      webhooks: {
        clientConfig: { service: { name: string; namespace: string; path: string; port: number } };
        rules: { resources: string[]; operations: string[] }[];
      }[];
    };
    const served = webhookPaths();
    expect(vwc.webhooks.map((w) => w.clientConfig.service.path).sort()).toEqual(
      [...served.keys()].sort(),
    );
    for (const w of vwc.webhooks) {
      const kind = served.get(w.clientConfig.service.path)!.kind;
      const plural = crds().find((c) => c.spec.names.kind === kind)!.spec.names.plural;
      expect(w.rules).toEqual([
        expect.objectContaining({ resources: [plural], operations: ['UPDATE'] }),
      ]);
      expect(w.clientConfig.service).toMatchObject({
        name: 'packsync-manager',
        namespace: 'packsync-system',
        port: 443,
      });
    }
    expect(vwc.metadata.annotations['package-operator.run/phase']).toBe('webhook');
    const svc = objects.find((o) => o.kind === 'Service') as unknown as {
      spec: { ports: { name: string; port: number; targetPort: string }[] };
    };
    expect(svc.spec.ports).toContainEqual({ name: 'webhook', port: 443, targetPort: 'webhook' });
    const d = JSON.stringify(objects.find((o) => o.kind === 'Deployment'));
    expect(d).toContain('"--webhook-port=9443"');
    expect(d).toContain('"--webhook-cert-dir=/etc/packsync/webhook-certs"');
    expect(d).toContain('"secretName":"packsync-webhook-cert"');
    // The certificate is issued before the Deployment that mounts it (phase rbac < deploy).
    const cert = objects.find((o) => o.kind === 'Certificate')!;
    expect(cert.metadata.annotations?.['package-operator.run/phase']).toBe('rbac');
  });
});
