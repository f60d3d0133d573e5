// `kubectl apply -f deploy/` against the embedded server, as a user installs packsync: every
// object is accepted, and the manager Deployment becomes Available under the workload simulator.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, type KubeObject } from '../../src/kube/index.js';
import { deployDir } from '../../scripts/deploy-files.js';
import { eventually } from '../kube/helpers.js';
import {
  hasKubectl,
  startKubectlEnv,
  warnIfNoKubectl,
  type KubectlEnv,
} from '../server/kubectl-helpers.js';

warnIfNoKubectl('deploy/ apply test');

function deployObjects(): KubeObject[] {
  return readdirSync(deployDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(deployDir, f), 'utf8'))
        .map((d) => d.toJS() as KubeObject | null)
        .filter((o): o is KubeObject => o !== null),
    );
}

describe.skipIf(!hasKubectl)('kubectl apply -f deploy/', () => {
  let k: KubectlEnv;
  let client: KubeClient;
  beforeAll(async () => {
    k = await startKubectlEnv('packsync-deploy-');
    client = await KubeClient.fromKubeConfigString(k.ts.server.kubeconfig);
  });
  afterAll(async () => {
    client.close();
    await k.stop();
  });

  it('accepts every object and the manager Deployment becomes Available', async () => {
    const objects = deployObjects();
    const out = await k.ok(['apply', '-f', deployDir]);
    const lines = out.trim().split('\n');
    // One "created" line per object, nothing refused.
    expect(lines).toHaveLength(objects.length);
    for (const line of lines) expect(line).toMatch(/ (created|configured|unchanged)$/);
    for (const o of objects) {
      const live = await client.get({
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name!,
        namespace: o.metadata.namespace,
      });
      expect(live, `${o.kind} ${o.metadata.name}`).toBeDefined();
    }
    const available = await eventually(async () => {
      const d = await client.get({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'packsync-system',
        name: 'packsync-manager',
      });
      const st = d?.status as
        { conditions?: { type: string; status: string }[]; availableReplicas?: number } | undefined;
      return st?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') && st;
    }, 'the manager Deployment to become Available');
    expect(available.availableReplicas).toBe(1);
    // Applying again changes nothing. (CRDs excepted: the embedded server writes `priority: 0`
    // into printer columns, which a real apiserver omits, so kubectl's merge patch is not empty.)
    const again = await k.ok(['apply', '-f', deployDir]);
    for (const line of again.trim().split('\n')) {
      if (!line.startsWith('customresourcedefinition')) expect(line).toMatch(/ unchanged$/);
    }
  });

  it('accepts the optional webhook add-on (without the cert-manager objects it needs)', async () => {
    const docs = readFileSync(join(deployDir, 'webhook', 'webhook.yaml'), 'utf8')
      .split(/^---\n/m)
      .filter((d) => !/^apiVersion: cert-manager\.io\//m.test(d) && /^kind: /m.test(d));
    const out = await k.ok(['apply', '-f', '-'], { input: docs.map((d) => `---\n${d}`).join('') });
    expect(out).toContain(
      'validatingwebhookconfiguration.admissionregistration.k8s.io/packsync created',
    );
    expect(out).toContain('deployment.apps/packsync-manager configured');
    const vwc = await client.get({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      name: 'packsync',
    });
    expect((vwc as unknown as { webhooks: unknown[] }).webhooks).toHaveLength(6);
  });
});
