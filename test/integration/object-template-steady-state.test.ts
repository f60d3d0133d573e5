/**
 * The ObjectTemplate controller writes nothing in steady state, even for a kind the API server
 * defaults (a Deployment gains strategy, revisionHistoryLimit, restartPolicy, ... on create):
 * only the fields the template sets are compared with the live object.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { crds } from '../../src/apis/index.js';
import { setupObjectTemplate } from '../../src/controllers/object-template/setup.js';
import { Manager, type Controller } from '../../src/controllers/runtime/index.js';
import { KubeClient, type KubeObject } from '../../src/kube/index.js';
import { startServer, type RunningServer } from '../../src/server/index.js';
import { PKO, eventually, freshNamespace, writesSince } from './revision-helpers.js';

let server: RunningServer;
let client: KubeClient;
let mgr: Manager;
let controller: Controller;

beforeAll(async () => {
  server = await startServer();
  client = await KubeClient.fromKubeConfigString(server.kubeconfig);
  for (const crd of crds()) await client.create(crd as unknown as KubeObject);
  await eventually(
    async () => (await client.mapper.tryMapping(PKO, 'ObjectTemplate')) !== undefined,
    'ObjectTemplate served',
  );
  mgr = new Manager({ client, informer: { backoffBaseMs: 20 } });
  controller = await setupObjectTemplate('ObjectTemplate').setup(mgr, { workers: 2 });
  mgr.add(controller);
  await mgr.start();
}, 60_000);

afterAll(async () => {
  await mgr?.stop(2_000);
  client?.close();
  await server?.stop();
});

const deploymentTemplate = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {{ .config.replicas }}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: registry.example/web:1.0
`;

const idle = () =>
  eventually(
    () => controller.queue.length === 0 && controller.queue.inProcess === 0,
    'template controller idle',
  );

it('makes no writes for a settled Deployment it templated', async () => {
  const ns = await freshNamespace(client, 'ots');
  await client.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'values', namespace: ns },
    data: { replicas: '2' },
  });
  await client.create({
    apiVersion: PKO,
    kind: 'ObjectTemplate',
    metadata: { name: 'web', namespace: ns },
    spec: {
      template: deploymentTemplate,
      sources: [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'values',
          items: [{ key: '.data.replicas', destination: '.replicas' }],
        },
      ],
    },
  });
  const deployRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: ns };
  const live = await eventually(async () => {
    const d = await client.get(deployRef);
    return (d?.status as { readyReplicas?: number } | undefined)?.readyReplicas === 2 && d;
  }, 'Deployment rolled out');
  // The server defaulted fields the template never set.
  expect(live.spec).toMatchObject({
    revisionHistoryLimit: 10,
    strategy: { type: 'RollingUpdate' },
  });
  await idle();

  const from = server.requests().length;
  for (let i = 0; i < 3; i++) {
    controller.enqueue(`${ns}/web`);
    await idle();
  }
  const deployWrites = writesSince(server, from).filter((w) => w.path.includes('/deployments'));
  expect(deployWrites).toEqual([]);
  expect((await client.get(deployRef))?.metadata.generation).toBe(live.metadata.generation);

  // A field the template sets still converges.
  await client.patch(
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'values', namespace: ns },
    'merge',
    { data: { replicas: '3' } },
  );
  await eventually(
    async () => ((await client.get(deployRef))?.spec as { replicas?: number }).replicas === 3,
    'replicas updated from the source',
  );
});
