// The workload simulator over HTTP: workloads get the status the kube-controller-manager would
// write, override annotations script the negative paths, namespaces get their default content.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  freshNamespace,
  startTestServer,
  statusOf,
  type TestServer,
} from './helpers.js';

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.server.stop();
});

function deployment(
  name: string,
  replicas: number,
  annotations: Record<string, string> = {},
): V1Deployment {
  return {
    metadata: { name, annotations },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    },
  };
}

type Cond = { type: string; status: string; reason?: string; message?: string };
function cond(conds: Cond[] | undefined, type: string): Cond | undefined {
  return conds?.find((c) => c.type === type);
}

describe('workload simulator', () => {
  it('rolls a Deployment out: counts, observedGeneration, Available/Progressing, revision', async () => {
    const ns = await freshNamespace(ts);
    await ts.apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 3) });
    const d = await eventually(async () => {
      const x = await ts.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      return x.status?.availableReplicas === 3 ? x : undefined;
    }, 'the deployment to be available');
    expect(d.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(cond(d.status?.conditions, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
    const progressing = cond(d.status?.conditions, 'Progressing');
    expect(progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(progressing?.message).toMatch(
      /^ReplicaSet "web-[bcdfghjklmnpqrstvwxz2456789]+" has successfully progressed\.$/,
    );
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const managers = (d.metadata?.managedFields ?? []).map(
      (m) => `${m.manager}/${m.subresource ?? ''}`,
    );
    expect(managers).toContain('kube-controller-manager/status');

    // A template change is a new generation and a new revision with another ReplicaSet name.
    await ts.apps.patchNamespacedDeployment({
      name: 'web',
      namespace: ns,
      body: [
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.28' },
      ],
    });
    const d2 = await eventually(async () => {
      const x = await ts.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      return x.status?.observedGeneration === 2 ? x : undefined;
    }, 'the new generation to be observed');
    expect(d2.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const msg2 = cond(d2.status?.conditions, 'Progressing')?.message;
    expect(msg2).not.toBe(progressing?.message);
    // Scaling keeps the revision.
    await ts.apps.patchNamespacedDeployment({
      name: 'web',
      namespace: ns,
      body: [{ op: 'replace', path: '/spec/replicas', value: 5 }],
    });
    const d3 = await eventually(async () => {
      const x = await ts.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      return x.status?.availableReplicas === 5 ? x : undefined;
    }, 'the scaled deployment');
    expect(d3.status?.observedGeneration).toBe(3);
    expect(d3.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('never-ready and progress-deadline-exceeded annotations script the failures', async () => {
    const ns = await freshNamespace(ts);
    await ts.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('stuck', 2, { 'simulator.packsync.dev/never-ready': 'true' }),
    });
    await ts.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('late', 1, { 'simulator.packsync.dev/progress-deadline-exceeded': 'true' }),
    });
    const stuck = await eventually(async () => {
      const x = await ts.apps.readNamespacedDeployment({ name: 'stuck', namespace: ns });
      return x.status?.observedGeneration === 1 ? x : undefined;
    }, 'the stuck deployment to be observed');
    expect(stuck.status?.availableReplicas).toBeUndefined();
    expect(stuck.status).toMatchObject({ replicas: 2, updatedReplicas: 2, unavailableReplicas: 2 });
    expect(cond(stuck.status?.conditions, 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
      message: 'Deployment does not have minimum availability.',
    });
    expect(cond(stuck.status?.conditions, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'ReplicaSetUpdated',
    });
    const late = await eventually(async () => {
      const x = await ts.apps.readNamespacedDeployment({ name: 'late', namespace: ns });
      return x.status?.observedGeneration === 1 ? x : undefined;
    }, 'the late deployment to be observed');
    const p = cond(late.status?.conditions, 'Progressing');
    expect(p).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(p?.message).toMatch(/^ReplicaSet "late-\w+" has timed out progressing\.$/);

    // Dropping the annotation lets it become available.
    await ts.apps.patchNamespacedDeployment({
      name: 'stuck',
      namespace: ns,
      body: [{ op: 'remove', path: '/metadata/annotations/simulator.packsync.dev~1never-ready' }],
    });
    await eventually(async () => {
      const x = await ts.apps.readNamespacedDeployment({ name: 'stuck', namespace: ns });
      return x.status?.availableReplicas === 2;
    }, 'the deployment to recover');
  });

  it('StatefulSets, DaemonSets and ReplicaSets report ready replicas', async () => {
    const ns = await freshNamespace(ts);
    const tpl = {
      metadata: { labels: { app: 'x' } },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] },
    };
    const sel = { matchLabels: { app: 'x' } };
    await ts.apps.createNamespacedStatefulSet({
      namespace: ns,
      body: {
        metadata: { name: 'db' },
        spec: { replicas: 2, serviceName: 'db', selector: sel, template: tpl },
      },
    });
    await ts.apps.createNamespacedDaemonSet({
      namespace: ns,
      body: { metadata: { name: 'agent' }, spec: { selector: sel, template: tpl } },
    });
    await ts.apps.createNamespacedReplicaSet({
      namespace: ns,
      body: { metadata: { name: 'rs' }, spec: { replicas: 4, selector: sel, template: tpl } },
    });
    const sts = await eventually(async () => {
      const x = await ts.apps.readNamespacedStatefulSet({ name: 'db', namespace: ns });
      return x.status?.readyReplicas === 2 ? x : undefined;
    }, 'the statefulset');
    expect(sts.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      collisionCount: 0,
    });
    expect(sts.status?.currentRevision).toBe(sts.status?.updateRevision);
    expect(sts.status?.updateRevision).toMatch(/^db-\w+$/);
    const ds = await eventually(async () => {
      const x = await ts.apps.readNamespacedDaemonSet({ name: 'agent', namespace: ns });
      return x.status?.numberReady === 1 ? x : undefined;
    }, 'the daemonset');
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 1,
      currentNumberScheduled: 1,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
      numberMisscheduled: 0,
      observedGeneration: 1,
    });
    const rs = await eventually(async () => {
      const x = await ts.apps.readNamespacedReplicaSet({ name: 'rs', namespace: ns });
      return x.status?.readyReplicas === 4 ? x : undefined;
    }, 'the replicaset');
    expect(rs.status).toMatchObject({
      replicas: 4,
      fullyLabeledReplicas: 4,
      availableReplicas: 4,
      observedGeneration: 1,
    });
  });

  it('Jobs complete (or fail with simulator.packsync.dev/fail)', async () => {
    const ns = await freshNamespace(ts);
    const { BatchV1Api } = await import('@kubernetes/client-node');
    const batch = ts.kc.makeApiClient(BatchV1Api);
    const job = (name: string, annotations: Record<string, string> = {}) => ({
      metadata: { name, annotations },
      spec: {
        completions: 2,
        template: {
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] },
        },
      },
    });
    await batch.createNamespacedJob({ namespace: ns, body: job('ok') });
    await batch.createNamespacedJob({
      namespace: ns,
      body: job('bad', { 'simulator.packsync.dev/fail': 'true' }),
    });
    const ok = await eventually(async () => {
      const x = await batch.readNamespacedJob({ name: 'ok', namespace: ns });
      return x.status?.conditions?.some((c) => c.type === 'Complete') ? x : undefined;
    }, 'the job to complete');
    expect(ok.status?.succeeded).toBe(2);
    expect(ok.status?.startTime).toBeInstanceOf(Date);
    expect(ok.status?.completionTime).toBeInstanceOf(Date);
    expect(ok.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    const bad = await eventually(async () => {
      const x = await batch.readNamespacedJob({ name: 'bad', namespace: ns });
      return x.status?.conditions?.some((c) => c.type === 'Failed') ? x : undefined;
    }, 'the job to fail');
    expect(bad.status?.failed).toBe(7);
    expect(bad.status?.conditions?.map((c) => [c.type, c.reason, c.message])).toEqual([
      ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
  });

  it('namespaces get the default ServiceAccount and kube-root-ca.crt, recreated when deleted', async () => {
    const ns = await freshNamespace(ts);
    const nsObj = await ts.core.readNamespace({ name: ns });
    expect(nsObj.metadata?.labels?.['kubernetes.io/metadata.name']).toBe(ns);
    const sa = await eventually(
      () => ts.core.readNamespacedServiceAccount({ name: 'default', namespace: ns }),
      'the default service account',
    );
    expect(sa.metadata?.name).toBe('default');
    const cm = await eventually(
      () => ts.core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: ns }),
      'the root CA config map',
    );
    expect(cm.data?.['ca.crt']).toBe(ts.server.caCert);
    await ts.core.deleteNamespacedServiceAccount({ name: 'default', namespace: ns });
    const again = await eventually(
      () => ts.core.readNamespacedServiceAccount({ name: 'default', namespace: ns }),
      'the service account to come back',
    );
    expect(again.metadata?.uid).not.toBe(sa.metadata?.uid);
    // The system namespaces have them too.
    await eventually(
      () => ts.core.readNamespacedServiceAccount({ name: 'default', namespace: 'kube-system' }),
      'kube-system default service account',
    );
  });
});

describe('simulator delays and switch', () => {
  it('reports a rollout in progress until the delay passes; CRDs are Installing meanwhile', async () => {
    const delayed = await startTestServer({
      simulator: { delayMs: 1500, crdEstablishDelayMs: 1500 },
    });
    try {
      const ns = await freshNamespace(delayed);
      const start = Date.now();
      // Both clocks start now; the intermediate states are checked while they last.
      await delayed.apps.createNamespacedDeployment({ namespace: ns, body: deployment('slow', 2) });
      await delayed.ext.createCustomResourceDefinition({
        body: {
          metadata: { name: 'widgets.example.com' },
          spec: {
            group: 'example.com',
            scope: 'Namespaced',
            names: { plural: 'widgets', kind: 'Widget' },
            versions: [
              {
                name: 'v1',
                served: true,
                storage: true,
                schema: { openAPIV3Schema: { type: 'object' } },
              },
            ],
          },
        },
      });
      const widgets = {
        group: 'example.com',
        version: 'v1',
        namespace: ns,
        plural: 'widgets',
      };
      const first = await eventually(async () => {
        const x = await delayed.apps.readNamespacedDeployment({ name: 'slow', namespace: ns });
        return x.status?.observedGeneration === 1 ? x : undefined;
      }, 'the rollout to start');
      const installing = await eventually(async () => {
        const c = await delayed.ext.readCustomResourceDefinition({ name: 'widgets.example.com' });
        return c.status?.conditions?.find((x) => x.type === 'Established');
      }, 'the CRD to report Established');
      const notYet = await statusOf(delayed.custom.listNamespacedCustomObject(widgets));
      const observedWithin = Date.now() - start;
      if (observedWithin < 1500) {
        expect(first.status?.availableReplicas).toBeUndefined();
        expect(cond(first.status?.conditions, 'Progressing')?.reason).toBe('ReplicaSetUpdated');
        expect(installing).toMatchObject({ status: 'False', reason: 'Installing' });
        expect(notYet.code).toBe(404);
      } else {
        console.warn(`machine too busy to observe the intermediate states (${observedWithin} ms)`);
      }
      await eventually(async () => {
        const x = await delayed.apps.readNamespacedDeployment({ name: 'slow', namespace: ns });
        return x.status?.availableReplicas === 2;
      }, 'the rollout to finish');
      await eventually(async () => {
        const c = await delayed.ext.readCustomResourceDefinition({ name: 'widgets.example.com' });
        return c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True');
      }, 'the CRD to be established');
      expect(Date.now() - start).toBeGreaterThanOrEqual(1500);
      await delayed.custom.listNamespacedCustomObject(widgets);
    } finally {
      await delayed.server.stop();
    }
  });

  it('simulator: false leaves workload status alone', async () => {
    const off = await startTestServer({ simulator: false });
    try {
      const ns = await freshNamespace(off);
      await off.apps.createNamespacedDeployment({ namespace: ns, body: deployment('idle', 1) });
      // Namespace content still runs: once a later namespace is populated, earlier events are done.
      const later = await freshNamespace(off);
      await eventually(
        () => off.core.readNamespacedServiceAccount({ name: 'default', namespace: later }),
        'the later namespace to be populated',
      );
      const d = await off.apps.readNamespacedDeployment({ name: 'idle', namespace: ns });
      expect(d.status?.observedGeneration).toBeUndefined();
      expect(d.status?.conditions).toBeUndefined();
    } finally {
      await off.server.stop();
    }
  });
});

describe('simulator after a restart', () => {
  it('does not roll out again what the stored status already reports', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'packsync-sim-restart-'));
    try {
      const first = await startTestServer({ dataDir });
      const ns = await freshNamespace(first);
      try {
        await first.apps.createNamespacedDeployment({ namespace: ns, body: deployment('kept', 2) });
        await eventually(async () => {
          const x = await first.apps.readNamespacedDeployment({ name: 'kept', namespace: ns });
          return x.status?.availableReplicas === 2;
        }, 'the first rollout');
      } finally {
        await first.server.stop();
      }
      const second = await startTestServer({ dataDir, simulator: { delayMs: 60_000 } });
      try {
        const later = await freshNamespace(second);
        await eventually(
          () => second.core.readNamespacedServiceAccount({ name: 'default', namespace: later }),
          'the controllers to catch up',
        );
        const d = await second.apps.readNamespacedDeployment({ name: 'kept', namespace: ns });
        expect(d.status?.availableReplicas).toBe(2);
        expect(cond(d.status?.conditions, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
      } finally {
        await second.server.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
