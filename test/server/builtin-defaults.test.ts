// Built-in defaulting and validation (kube-api.md §2.11): what a real apiserver fills in and refuses,
// so that desired-versus-live comparisons behave as on a cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshNamespace, raw, startTestServer, type TestServer } from './helpers.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ simulator: false });
});
afterAll(async () => {
  await ts.server.stop();
});

type Json = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown, ct = 'application/json') {
  const r = await raw(ts.server, method, path, body, body ? { 'content-type': ct } : {});
  return { status: r.status, body: JSON.parse(r.text) as Json & { message?: string } };
}

const merge = (path: string, body: unknown) =>
  call('PATCH', path, body, 'application/merge-patch+json');

describe('built-in defaults', () => {
  it('Deployment: replicas, strategy, revisionHistoryLimit, progressDeadlineSeconds, pod template', async () => {
    const ns = await freshNamespace(ts, 'dep');
    const r = await call('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
      metadata: { name: 'd' },
      spec: {
        selector: { matchLabels: { app: 'd' } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: {
            containers: [
              { name: 'a', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
              { name: 'b', image: 'busybox' },
              { name: 'c', image: 'busybox:latest' },
            ],
          },
        },
      },
    });
    expect(r.status).toBe(201);
    const spec = r.body.spec as Json;
    expect(spec).toMatchObject({
      replicas: 1,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    const pod = (spec.template as { spec: Json }).spec;
    expect(pod).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      schedulerName: 'default-scheduler',
    });
    const containers = pod.containers as Json[];
    for (const c of containers) {
      expect(c).toMatchObject({
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        resources: {},
      });
    }
    expect(containers.map((c) => c.imagePullPolicy)).toEqual(['IfNotPresent', 'Always', 'Always']);
    expect(containers[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    // A Recreate strategy gets no rollingUpdate block.
    const rec = await call('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
      metadata: { name: 'r' },
      spec: {
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: 'r' } },
        template: {
          metadata: { labels: { app: 'r' } },
          spec: { containers: [{ name: 'a', image: 'nginx:1' }] },
        },
      },
    });
    expect((rec.body.spec as Json).strategy).toEqual({ type: 'Recreate' });
  });

  it('Deployment: selector must match the template and is immutable', async () => {
    const ns = await freshNamespace(ts, 'sel');
    const base = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const mismatch = await call('POST', base, {
      metadata: { name: 'm' },
      spec: {
        selector: { matchLabels: { app: 'x' } },
        template: {
          metadata: { labels: { app: 'y' } },
          spec: { containers: [{ name: 'a', image: 'nginx:1' }] },
        },
      },
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.message).toContain(
      'Deployment.apps "m" is invalid: spec.template.metadata.labels: Invalid value:',
    );
    expect(mismatch.body.message).toContain(': `selector` does not match template `labels`');
    expect(
      (
        await call('POST', base, {
          metadata: { name: 'd' },
          spec: {
            selector: { matchLabels: { app: 'd' } },
            template: {
              metadata: { labels: { app: 'd', v: '1' } },
              spec: { containers: [{ name: 'a', image: 'nginx:1' }] },
            },
          },
        })
      ).status,
    ).toBe(201);
    const changed = await merge(`${base}/d`, { spec: { selector: { matchLabels: { v: '1' } } } });
    expect(changed.status).toBe(422);
    expect(changed.body.message).toContain('spec.selector: Invalid value:');
    expect(changed.body.message).toContain('field is immutable');
  });

  it('Service: ClusterIP allocated once and immutable; port and traffic defaults', async () => {
    const ns = await freshNamespace(ts, 'svc');
    const base = `/api/v1/namespaces/${ns}/services`;
    const mk = (name: string) =>
      call('POST', base, {
        metadata: { name },
        spec: {
          selector: { app: name },
          ports: [{ port: 80 }, { name: 'm', port: 9090, targetPort: 'metrics' }],
        },
      });
    const a = await mk('a');
    const b = await mk('b');
    expect(a.status).toBe(201);
    const sa = a.body.spec as Json;
    const sb = b.body.spec as Json;
    expect(sa.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(sa.clusterIPs).toEqual([sa.clusterIP]);
    expect(sb.clusterIP).not.toBe(sa.clusterIP);
    expect(sa).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    });
    expect(sa.ports).toEqual([
      { port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'm', port: 9090, protocol: 'TCP', targetPort: 'metrics' },
    ]);
    const headless = await call('POST', base, {
      metadata: { name: 'h' },
      spec: { clusterIP: 'None', ports: [{ port: 80 }] },
    });
    expect((headless.body.spec as Json).clusterIP).toBe('None');
    // Updating without clusterIP keeps it; changing it is refused.
    const kept = await merge(`${base}/a`, { metadata: { labels: { x: 'y' } } });
    expect((kept.body.spec as Json).clusterIP).toBe(sa.clusterIP);
    const changed = await merge(`${base}/a`, {
      spec: { clusterIP: String(sb.clusterIP), clusterIPs: [String(sb.clusterIP)] },
    });
    expect(changed.status).toBe(422);
    expect(changed.body.message).toContain('spec.clusterIPs[0]: Invalid value:');
    expect(changed.body.message).toContain('may not change once set');
  });

  it('Job: generated selector and labels; template immutable', async () => {
    const ns = await freshNamespace(ts, 'job');
    const base = `/apis/batch/v1/namespaces/${ns}/jobs`;
    const r = await call('POST', base, {
      metadata: { name: 'j' },
      spec: {
        template: {
          spec: { restartPolicy: 'Never', containers: [{ name: 'a', image: 'busybox:1' }] },
        },
      },
    });
    expect(r.status).toBe(201);
    const uid = (r.body.metadata as Json).uid as string;
    const spec = r.body.spec as Json;
    expect(spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    expect((spec.template as { metadata: Json }).metadata.labels).toEqual({
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'j',
      'controller-uid': uid,
      'job-name': 'j',
    });
    expect(spec).toMatchObject({
      parallelism: 1,
      completions: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
    });
    const changed = await merge(`${base}/j`, {
      spec: { template: { spec: { containers: [{ name: 'a', image: 'busybox:2' }] } } },
    });
    expect(changed.status).toBe(422);
    expect(changed.body.message).toContain('spec.template: Invalid value:');
    expect(changed.body.message).toContain('field is immutable');
  });

  it('RoleBinding roleRef and Secret type are immutable; Secret type defaults to Opaque', async () => {
    const ns = await freshNamespace(ts, 'imm');
    const rb = `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`;
    expect(
      (
        await call('POST', rb, {
          metadata: { name: 'rb' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'one' },
          subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: ns }],
        })
      ).status,
    ).toBe(201);
    const changed = await merge(`${rb}/rb`, { roleRef: { name: 'two' } });
    expect(changed.status).toBe(422);
    expect(changed.body.message).toContain('roleRef: Invalid value:');
    expect(changed.body.message).toContain('cannot change roleRef');

    const secrets = `/api/v1/namespaces/${ns}/secrets`;
    const s = await call('POST', secrets, { metadata: { name: 's' }, stringData: { a: 'b' } });
    expect(s.body.type).toBe('Opaque');
    const retyped = await merge(`${secrets}/s`, { type: 'kubernetes.io/tls' });
    expect(retyped.status).toBe(422);
    expect(retyped.body.message).toContain(
      'type: Invalid value: "kubernetes.io/tls": field is immutable',
    );
  });
});
