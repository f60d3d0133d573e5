import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';
import { instantiate } from './instantiate.js';
import { loadPackage } from './load.js';
import { FieldErrorList } from './errors.js';

const files = {
  'manifest.yaml': `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata: {name: web}
spec:
  scopes: [Namespaced]
  phases: [{name: deploy}]
  images: [{name: nginx, image: "nginx:1.25"}]
  config:
    openAPIV3Schema:
      type: object
      required: [replicas]
      properties:
        replicas: {type: integer}
        mode: {type: string, default: fast}
`,
  'manifest.lock.yaml': `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifestLock
spec:
  images: [{name: nginx, image: "nginx:1.25", digest: "sha256:0123"}]
`,
  'cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  annotations: {package-operator.run/phase: deploy}
`,
};

describe('instantiate', () => {
  const pkg = loadPackage(importFiles(files));

  it('admits config and resolves images from the lock file', () => {
    const inst = instantiate(
      pkg,
      { name: 'w', namespace: 'apps', config: { replicas: 2, junk: 1 } },
      {},
    );
    expect(inst.context.config).toEqual({ replicas: 2, mode: 'fast' });
    expect(inst.context.images).toEqual({ nginx: 'index.docker.io/library/nginx@sha256:0123' });
    expect(inst.context.environment).toEqual({ kubernetes: { version: '' } });
    expect(inst.objects).toHaveLength(1);
  });

  it('reports config errors as spec.config field errors', () => {
    let err: unknown;
    try {
      instantiate(pkg, { name: 'w', namespace: 'apps', config: {} }, {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FieldErrorList);
    expect((err as Error).message).toBe('spec.config.replicas: Required value');
  });
});
