// The project's own CRDs (crds/*.yaml) are accepted, established and enforced by the server.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  freshNamespace,
  startTestServer,
  statusOf,
  type TestServer,
} from './helpers.js';

const crdDir = resolve(import.meta.dirname, '../../crds');
let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.server.stop();
});

describe('project CRDs', () => {
  it('are all established and serve their kinds with schema validation and defaults', async () => {
    const files = readdirSync(crdDir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      await ts.objects.create(parse(readFileSync(join(crdDir, f), 'utf8')) as KubernetesObject);
    }
    const crds = await eventually(async () => {
      const list = await ts.ext.listCustomResourceDefinition();
      const established = list.items.filter((c) =>
        c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True'),
      );
      return established.length === files.length ? established : undefined;
    }, 'every CRD to be Established');
    expect(crds.map((c) => c.metadata?.name)).toContain('packages.package-operator.run');

    const ns = await freshNamespace(ts);
    const pkg = (await ts.custom.createNamespacedCustomObject({
      group: 'package-operator.run',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'packages',
      body: {
        apiVersion: 'package-operator.run/v1alpha1',
        kind: 'Package',
        metadata: { name: 'p' },
        spec: { image: 'quay.io/example/pkg:1' },
      },
    })) as { metadata: { generation: number }; spec: { image: string } };
    expect(pkg.metadata.generation).toBe(1);
    expect(pkg.spec.image).toBe('quay.io/example/pkg:1');
    const missing = await statusOf(
      ts.custom.createNamespacedCustomObject({
        group: 'package-operator.run',
        version: 'v1alpha1',
        namespace: ns,
        plural: 'packages',
        body: {
          apiVersion: 'package-operator.run/v1alpha1',
          kind: 'Package',
          metadata: { name: 'bad' },
          spec: {},
        },
      }),
    );
    expect(missing).toMatchObject({
      code: 422,
      message: 'Package.package-operator.run "bad" is invalid: spec.image: Required value',
    });
  });
});
