// The validating webhook as an API server calls it: AdmissionReview v1 JSON over HTTPS, served
// by the manager. Its verdicts match what the embedded server (which runs the CRDs' CEL rules)
// answers to the same updates, message for message.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crds } from '../../src/apis/index.js';
import { startManager, type RunningManager } from '../../src/controllers/runtime/index.js';
import { KubeApiError, type KubeObject } from '../../src/kube/index.js';
import { generateCa, generateServerCert } from '../../src/server/tls.js';
import { createRegistry } from '../../src/metrics/index.js';
import { eventually, freshNamespace, startEnv, type Env } from '../kube/helpers.js';

let env: Env;
let dir: string;
let ca: string;
let running: RunningManager;

beforeAll(async () => {
  env = await startEnv();
  for (const crd of crds()) await env.client.create(crd as unknown as KubeObject);
  dir = mkdtempSync(join(tmpdir(), 'packsync-webhook-'));
  const tls = serverCert();
  ca = tls.caCert;
  writeFileSync(join(dir, 'tls.crt'), tls.cert);
  writeFileSync(join(dir, 'tls.key'), tls.key);
  running = await startManager({
    kubeconfigYaml: env.server.kubeconfig,
    setups: [],
    metricsAddr: '0',
    healthAddr: '0',
    logger: pino({ level: 'silent' }),
    registry: createRegistry({ processMetrics: false }),
    webhook: { port: 0, host: '127.0.0.1', certDir: dir },
  });
});
afterAll(async () => {
  await running.stop();
  await env.stop();
  rmSync(dir, { recursive: true, force: true });
});

function serverCert(): { caCert: string; cert: string; key: string } {
  const root = generateCa();
  const caPriv = createPrivateKey(root.caKey);
  return generateServerCert(root, createPublicKey(caPriv), caPriv);
}

function post(
  path: string,
  body: unknown,
  trust: string = ca,
): Promise<{ status: number; body: string }> {
  const url = new URL(path, running.webhookUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ca: trust, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

interface Verdict {
  allowed: boolean;
  message?: string;
}

async function webhookVerdict(
  kind: string,
  plural: string,
  oldObj: KubeObject,
  newObj: KubeObject,
): Promise<Verdict> {
  const res = await post(`/validate-${kind.toLowerCase()}`, {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'b5b4b0b1-2c0f-4c53-9f1d-3f3b1f0e0001',
      kind: { group: 'package-operator.run', version: 'v1alpha1', kind },
      resource: { group: 'package-operator.run', version: 'v1alpha1', resource: plural },
      name: newObj.metadata.name,
      namespace: newObj.metadata.namespace,
      operation: 'UPDATE',
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters'] },
      object: newObj,
      oldObject: oldObj,
    },
  });
  expect(res.status).toBe(200);
  const review = JSON.parse(res.body) as {
    apiVersion: string;
    kind: string;
    response: { uid: string; allowed: boolean; status?: { message: string } };
  };
  expect(review.apiVersion).toBe('admission.k8s.io/v1');
  expect(review.response.uid).toBe('b5b4b0b1-2c0f-4c53-9f1d-3f3b1f0e0001');
  return review.response.allowed
    ? { allowed: true }
    : { allowed: false, message: review.response.status?.message };
}

/** The embedded API server's verdict on the same update (it runs the CEL rules). */
async function serverVerdict(newObj: KubeObject): Promise<Verdict> {
  try {
    await env.client.update(newObj, { dryRun: true });
    return { allowed: true };
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    return { allowed: false, message: err.statusMessage };
  }
}

const cm = (name: string) => ({
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } },
});

describe('validating webhook over HTTPS', () => {
  it('agrees with the CRD rules on every ObjectSet field', async () => {
    const ns = await freshNamespace(env.client, 'wh');
    const created = await env.client.create({
      apiVersion: 'package-operator.run/v1alpha1',
      kind: 'ObjectSet',
      metadata: { name: 'web-1', namespace: ns },
      spec: {
        lifecycleState: 'Active',
        previous: [{ name: 'web-0' }],
        phases: [{ name: 'deploy', objects: [cm('a')] }],
        successDelaySeconds: 5,
      },
    });
    const spec = created.spec as Record<string, unknown>;
    const cases: [string, Record<string, unknown>, boolean][] = [
      ['lifecycleState', { ...spec, lifecycleState: 'Paused' }, true],
      ['revision set once', { ...spec, revision: 4 }, true],
      ['phases', { ...spec, phases: [{ name: 'deploy', objects: [cm('b')] }] }, false],
      ['previous', { ...spec, previous: [{ name: 'other' }] }, false],
      ['successDelaySeconds', { ...spec, successDelaySeconds: 6 }, false],
      [
        'availabilityProbes',
        {
          ...spec,
          availabilityProbes: [
            { probes: [], selector: { kind: { group: 'apps', kind: 'Deployment' } } },
          ],
        },
        false,
      ],
    ];
    for (const [what, next, allowed] of cases) {
      const updated = { ...created, spec: next };
      const server = await serverVerdict(updated);
      const hook = await webhookVerdict('ObjectSet', 'objectsets', created, updated);
      expect(server.allowed, what).toBe(allowed);
      expect(hook, what).toEqual(server);
    }
  });

  it('agrees with the CRD rules on ClusterObjectSetPhase', async () => {
    const created = await env.client.create({
      apiVersion: 'package-operator.run/v1alpha1',
      kind: 'ClusterObjectSetPhase',
      metadata: { name: `phase-${Date.now()}` },
      spec: { revision: 1, objects: [cm('a')], paused: false },
    });
    const spec = created.spec as Record<string, unknown>;
    for (const [next, allowed] of [
      [{ ...spec, paused: true }, true],
      [{ ...spec, revision: 2 }, false],
      [{ ...spec, objects: [cm('b')] }, false],
    ] as const) {
      const updated = { ...created, spec: next };
      const server = await serverVerdict(updated);
      expect(server.allowed).toBe(allowed);
      expect(
        await webhookVerdict('ClusterObjectSetPhase', 'clusterobjectsetphases', created, updated),
      ).toEqual(server);
    }
  });

  it('refuses plain HTTP and malformed reviews', async () => {
    const http = running.webhookUrl!.replace('https:', 'http:');
    await expect(fetch(`${http}/validate-objectset`, { method: 'POST' })).rejects.toThrow();
    const res = await post('/validate-objectset', { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/^invalid AdmissionReview: apiVersion: /);
    expect((await post('/nope', {})).status).toBe(404);
  });

  it('serves a rotated certificate without a restart', async () => {
    const next = serverCert();
    await expect(post('/nope', {}, next.caCert)).rejects.toThrow();
    writeFileSync(join(dir, 'tls.key'), next.key);
    writeFileSync(join(dir, 'tls.crt'), next.cert);
    const res = await eventually(
      () => post('/nope', {}, next.caCert).catch(() => undefined),
      'the new certificate to be served',
    );
    expect(res.status).toBe(404);
    ca = next.caCert;
  });
});
