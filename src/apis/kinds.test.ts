import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  kindNames,
  kinds,
  lookupKind,
  mustParseObject,
  parseAnyObject,
  parseObject,
  type KindName,
} from './registry.js';
import { objectDeploymentPhase, packagePhase } from './conditions.js';
import { parseDuration } from './duration.js';
import { isUserError } from '../errors.js';

const conformance = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'conformance');

const condition = `
  - type: Available
    status: "True"
    reason: Available
    message: Latest Revision is Available.
    lastTransitionTime: "2026-01-02T03:04:05Z"
    observedGeneration: 1`;

const probes = `
      availabilityProbes:
      - probes:
        - condition:
            type: Available
            status: "True"
        - fieldsEqual:
            fieldA: .status.updatedReplicas
            fieldB: .status.replicas
        - cel:
            rule: self.metadata.name == "nginx"
            message: Object must be named nginx
        selector:
          kind:
            group: apps
            kind: Deployment
          selector:
            matchLabels:
              app.kubernetes.io/name: nginx`;

const phaseObjects = `
        objects:
        - collisionProtection: IfNoController
          conditionMappings:
          - sourceType: Available
            destinationType: my-prefix.example.com/Available
          object:
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: nginx
            spec:
              replicas: 2
              template:
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.25
        - object:
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              key: value
        slices:
        - nginx-6f8d9`;

const objectSetSpec = `
spec:
  lifecycleState: Active
  revision: 2
  successDelaySeconds: 10
  previous:
  - name: nginx-1
  phases:
  - name: deploy
    class: default${phaseObjects.replaceAll('\n      ', '\n  ')}
${probes.replaceAll('\n    ', '\n')}
status:
  conditions:${condition}
  revision: 2
  remotePhases:
  - name: nginx-2-deploy
    uid: 3490a790-05f8-4bd7-8333-1001c49fccd2
  controllerOf:
  - group: apps
    kind: Deployment
    name: nginx
    namespace: default
    version: v1`;

const objectDeploymentBody = `
spec:
  paused: false
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app: nginx
    matchExpressions:
    - key: tier
      operator: In
      values: [web]
  template:
    metadata:
      labels:
        app: nginx
    spec:
      successDelaySeconds: 5
      phases:
      - name: deploy${phaseObjects}${probes}
status:
  phase: Available
  conditions:${condition}
  collisionCount: 0
  templateHash: 6f8d9
  revision: 2
  controllerOf:
  - group: package-operator.run
    kind: ObjectSet
    name: nginx-6f8d9`;

const objectSetPhaseBody = `
spec:
  paused: true
  revision: 3
  previous:
  - name: nginx-2
${probes.replaceAll('\n    ', '\n')}${phaseObjects.replaceAll('\n      ', '\n').replace(/\n {2}slices:\n {2}- nginx-6f8d9/, '')}
status:
  conditions:${condition}
  controllerOf:
  - group: apps
    kind: Deployment
    name: nginx`;

const objectSliceBody = `
objects:
- collisionProtection: Prevent
  object:
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: big-1
    data:
      a: b`;

const objectTemplateBody = `
spec:
  template: |
    apiVersion: package-operator.run/v1alpha1
    kind: Package
    metadata:
      name: database
    spec:
      image: quay.io/example/postgres-package:v1
      config:
        password: {{ .config.password | b64dec }}
  sources:
  - apiVersion: v1
    kind: Secret
    name: db-credentials
    namespace: databases
    optional: false
    items:
    - key: .data.password
      destination: .password
status:
  conditions:
  - type: package-operator.run/Invalid
    status: "False"
    reason: Valid
    message: ""
    lastTransitionTime: "2026-01-02T03:04:05Z"
  controllerOf:
    group: package-operator.run
    kind: Package
    name: database
    namespace: default
    version: v1alpha1`;

const packageBody = `
spec:
  image: quay.io/package-operator/test-stub-package:v1.11.0
  component: backend
  paused: false
  config:
    testStubImage: quay.io/package-operator/test-stub:v1.11.0
    nested: { list: [1, 2], flag: true }
status:
  phase: Progressing
  conditions:${condition}
  - type: Unpacked
    status: "True"
    reason: UnpackSuccess
    message: Unpack job succeeded
    lastTransitionTime: "2026-01-02T03:04:05Z"
  revision: 1
  unpackedHash: 7b9c4d`;

const gitSyncBody = (secretRef: string): string => `
spec:
  url: https://git.example.com/platform/desired-state.git
  ref:
    semver: ">=1.2.0 <2"
  path: clusters/prod
  interval: 1h30m
  secretRef: ${secretRef}
  config:
    environment: prod
  suspend: false
  revisionHistoryLimit: 3
status:
  observedGeneration: 4
  conditions:
  - type: Ready
    status: "True"
    reason: Synced
    message: Applied revision 7 from commit 3f2a1b0
    lastTransitionTime: "2026-01-02T03:04:05Z"
  lastAppliedCommit: 3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a
  lastAttemptedCommit: 3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a
  lastSyncTime: "2026-01-02T03:04:05Z"
  revision: 7`;

/** Realistic examples: every field of the API reference examples, with values the CRDs accept. */
const examples: Record<
  Exclude<KindName, 'PackageManifest' | 'PackageManifestLock' | 'Repository' | 'RepositoryEntry'>,
  string
> = {
  ObjectSet: objectSetSpec,
  ClusterObjectSet: objectSetSpec,
  ObjectDeployment: objectDeploymentBody,
  ClusterObjectDeployment: objectDeploymentBody,
  ObjectSetPhase: objectSetPhaseBody,
  ClusterObjectSetPhase: objectSetPhaseBody,
  ObjectSlice: objectSliceBody,
  ClusterObjectSlice: objectSliceBody,
  ObjectTemplate: objectTemplateBody,
  ClusterObjectTemplate: objectTemplateBody,
  Package: packageBody,
  ClusterPackage: packageBody,
  GitSync: gitSyncBody('{name: git-credentials}'),
  ClusterGitSync: gitSyncBody('{name: git-credentials, namespace: packsync-system}'),
};

function example(kind: keyof typeof examples): Record<string, unknown> {
  const def = kinds[kind];
  const namespace = def.scope === 'Namespaced' ? '\n  namespace: default' : '';
  return parse(
    `apiVersion: ${def.apiVersion}\nkind: ${kind}\nmetadata:\n  name: example${namespace}\n  labels:\n    app.kubernetes.io/name: example${examples[kind]}\n`,
  ) as Record<string, unknown>;
}

/** The PackageManifest example of Package Operator's API reference, verbatim. */
const apiReferenceManifest = `
apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata:
  name: example
  namespace: default
spec:
  availabilityProbes: []
  components: {}
  config:
    openAPIV3Schema:
      properties:
        testProp:
          type: string
      type: object
  constraints:
  - platform:
    - Kubernetes
    platformVersion:
      name: Kubernetes
      range: '>=1.20.x'
    uniqueInScope: {}
  dependencies:
  - image:
      name: my-pkg
      package: my-pkg.my-repo
      range: '>=2.1'
  filter:
    conditions:
    - expression: has(environment.openShift)
      name: isOpenShift
    paths:
    - expression: cond.isOpenShift && environment.openShift.version.startsWith('4.15')
      glob: openshift/v4.15/**
  images:
  - image: quay.io/package-operator/test-stub:v1.11.0
    name: test-stub
  phases:
  - class: hosted-cluster
    name: deploy
  repositories:
  - file: ../myrepo.yaml
    image: quay.io/package-operator/my-repo:latest
  scopes:
  - Cluster
  - Namespaced
test:
  kubeconform:
    kubernetesVersion: v1.29.5
    schemaLocations:
    - https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json
  template:
  - context:
      config:
        testProp: Hans
      environment:
        hyperShift:
          hostedCluster:
            hostedClusterNamespace: clusters-banana
            metadata:
              name: banana
              namespace: clusters
        kubernetes:
          version: v1.29.5
        openShift:
          managed:
            data:
              test: test
          version: v4.13.2
        proxy:
          httpProxy: http://proxy_server_address:port
          httpsProxy: https://proxy_server_address:port
          noProxy: .example.com,.local,localhost
      package:
        image: quay.io/package-operator/test-stub-package:v1.11.0
        metadata:
          name: test
    name: lorem
`;

const apiReferenceLock = `
apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifestLock
metadata:
  name: example
  namespace: default
spec:
  dependencies:
  - digest: sha256:00e48c32b3cdcf9e2c66467f2beb0ef33b43b54e2b56415db4ee431512c406ea
    image: quay.io/package-operator/remote-phase-package
    name: my-pkg
    version: v1.12.3
  images:
  - digest: sha256:00e48c32b3cdcf9e2c66467f2beb0ef33b43b54e2b56415db4ee431512c406ea
    image: quay.io/package-operator/remote-phase-package
    name: my-pkg
`;

/** A repository index as `kubectl package repo` writes it (a Repository, then its entries). */
const repositoryIndex = `apiVersion: manifests.package-operator.run/v1alpha1
kind: Repository
metadata:
  name: my-repo
  creationTimestamp: "2026-01-02T03:04:05Z"
---
apiVersion: manifests.package-operator.run/v1alpha1
kind: RepositoryEntry
metadata:
  name: test-stub.1f2e3d4c
data:
  image: quay.io/package-operator/test-stub-package
  digest: sha256:00e48c32b3cdcf9e2c66467f2beb0ef33b43b54e2b56415db4ee431512c406ea
  versions: [1.0.0, 1.0.1]
  name: test-stub
  constraints:
  - platform: [Kubernetes]
    platformVersion: {name: Kubernetes, range: '>=1.20.x'}
    uniqueInScope: {}
`;

describe('kinds accept the API reference examples', () => {
  it.each(Object.keys(examples) as (keyof typeof examples)[])('%s', (kind) => {
    const input = example(kind);
    const r = parseObject(kind, input);
    expect(r.ok ? [] : r.errors).toEqual([]);
    // Nothing the example says is lost: the parsed object contains the input.
    if (r.ok) expect(r.value).toMatchObject(input);
  });

  it('PackageManifest, PackageManifestLock and a repository index', () => {
    for (const text of [
      apiReferenceManifest,
      apiReferenceLock,
      ...repositoryIndex.split('---\n'),
    ]) {
      const input = parse(text) as Record<string, unknown>;
      const r = parseAnyObject(input);
      expect(r.ok ? [] : r.errors).toEqual([]);
      if (r.ok) expect(r.value).toMatchObject(input);
    }
  });
});

describe('the API reference examples verbatim', () => {
  it("ObjectSet: rejected where Package Operator's own CRD rejects it too", () => {
    // Generated from +example markers, never validated: its condition-map destination has no prefix,
    // and its condition lacks the message and time that metav1.Condition requires.
    const verbatim = parse(`
apiVersion: package-operator.run/v1alpha1
kind: ObjectSet
metadata:
  name: example
  namespace: default
spec:
  lifecycleState: Active
  phases:
  - class: sadipscing
    name: consetetur
    objects:
    - collisionProtection: Prevent
      conditionMappings:
      - destinationType: sed
        sourceType: elitr
      object:
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: example-deployment
    slices:
    - diam
  previous:
  - name: previous-revision
  revision: 42
  successDelaySeconds: 42
status:
  conditions:
  - reason: Available
    status: "True"
    type: Available
  revision: 42
`) as unknown;
    const r = parseObject('ObjectSet', verbatim);
    expect(r.ok ? [] : r.errors).toEqual([
      `spec.phases[0].objects[0].conditionMappings[0].destinationType: Invalid value: "sed": should match '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'`,
      'status.conditions[0].lastTransitionTime: Required value',
      'status.conditions[0].message: Required value',
    ]);
  });
});

describe('defaults are applied on parse', () => {
  it('fills Package Operator defaults into an ObjectDeployment', () => {
    const od = mustParseObject('ObjectDeployment', {
      metadata: { name: 'nginx', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'nginx' } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: {
            phases: [
              { name: 'deploy', objects: [{ object: { apiVersion: 'v1', kind: 'ConfigMap' } }] },
            ],
            availabilityProbes: [
              {
                probes: [{ condition: { type: 'Available' } }],
                selector: { kind: { group: 'apps', kind: 'Deployment' } },
              },
            ],
          },
        },
      },
    });
    expect(od.apiVersion).toBe('package-operator.run/v1alpha1');
    expect(od.kind).toBe('ObjectDeployment');
    expect(od.spec.revisionHistoryLimit).toBe(10);
    expect(od.status.phase).toBe('Pending');
    const phase = od.spec.template.spec.phases?.[0];
    expect(phase?.objects?.[0]?.collisionProtection).toBe('Prevent');
    expect(od.spec.template.spec.availabilityProbes?.[0]?.probes[0]?.condition?.status).toBe(
      'True',
    );
  });

  it('defaults an ObjectSet to Active and a GitSync to branch main every minute', () => {
    expect(mustParseObject('ObjectSet', { metadata: { name: 'x' } }).spec.lifecycleState).toBe(
      'Active',
    );
    const gs = mustParseObject('GitSync', { spec: { url: 'https://example.com/repo.git' } });
    expect(gs.spec).toEqual({
      url: 'https://example.com/repo.git',
      ref: { branch: 'main' },
      path: '.',
      interval: '1m',
      suspend: false,
      revisionHistoryLimit: 10,
    });
    expect(parseDuration(gs.spec.interval)).toBe(60_000);
  });
});

describe('kinds reject bad objects with the field path in the message', () => {
  const cases: [KindName, Record<string, unknown>, string[]][] = [
    [
      'Package',
      { spec: { image: 42, config: 'not-an-object' } },
      [
        'spec.image: Invalid value: 42: must be of type string',
        'spec.config: Invalid value: "not-an-object": must be of type object',
      ],
    ],
    ['ClusterPackage', { metadata: { name: 'x' } }, ['spec: Required value']],
    [
      'Package',
      { apiVersion: 'package-operator.run/v1beta1', spec: { image: 'x' } },
      [
        'apiVersion: Unsupported value: "package-operator.run/v1beta1": supported values: "package-operator.run/v1alpha1"',
      ],
    ],
    [
      'ObjectSet',
      {
        spec: {
          lifecycleState: 'Sleeping',
          phases: [
            {
              objects: [
                {
                  object: { apiVersion: 'v1', metadata: { name: 'cm' } },
                  collisionProtection: 'Sometimes',
                  conditionMappings: [{ sourceType: 'Available', destinationType: 'Available' }],
                },
              ],
            },
          ],
        },
      },
      [
        'spec.lifecycleState: Unsupported value: "Sleeping": supported values: "Active", "Paused", "Archived"',
        'spec.phases[0].name: Required value',
        'spec.phases[0].objects[0].object.kind: Required value',
        'spec.phases[0].objects[0].collisionProtection: Unsupported value: "Sometimes": supported values: "Prevent", "IfNoController", "None"',
        `spec.phases[0].objects[0].conditionMappings[0].destinationType: Invalid value: "Available": should match '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'`,
      ],
    ],
    [
      'ObjectDeployment',
      {
        spec: {
          revisionHistoryLimit: 1.5,
          selector: { matchExpressions: [{ key: 'a', operator: 'Near' }] },
          template: { metadata: {}, spec: { availabilityProbes: [{ probes: [{}] }] } },
        },
      },
      [
        'spec.revisionHistoryLimit: Invalid value: 1.5: must be of type integer',
        'spec.selector.matchExpressions[0].operator: Unsupported value: "Near": supported values: "In", "NotIn", "Exists", "DoesNotExist"',
        'spec.template.spec.availabilityProbes[0].selector: Required value',
      ],
    ],
    [
      'ObjectSetPhase',
      { spec: { revision: '3' } },
      [
        'spec.revision: Invalid value: "3": must be of type integer',
        'spec.objects: Required value',
      ],
    ],
    ['ObjectSlice', { objects: [{}] }, ['objects[0].object: Required value']],
    [
      'ObjectTemplate',
      { spec: { template: 't', sources: [{ apiVersion: 'v1', kind: 'Secret', items: [] }] } },
      ['spec.sources[0].name: Required value'],
    ],
    [
      'Package',
      {
        spec: { image: 'x' },
        status: {
          conditions: [{ type: 'Available', status: 'Yes', reason: '', lastTransitionTime: 'now' }],
        },
      },
      [
        'status.conditions[0].status: Unsupported value: "Yes": supported values: "True", "False", "Unknown"',
        'status.conditions[0].lastTransitionTime: Invalid value: "now": must be of type date-time',
        `status.conditions[0].reason: Invalid value: "": should be at least 1 chars long`,
        `status.conditions[0].reason: Invalid value: "": should match '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'`,
        'status.conditions[0].message: Required value',
      ],
    ],
    [
      'ObjectDeployment',
      {
        spec: { selector: {}, template: { metadata: {}, spec: {} } },
        status: {
          conditions: ['Available', 'Progressing', 'Available'].map((type) => ({
            type,
            status: 'True',
            reason: 'Ok',
            message: '',
            lastTransitionTime: '2026-01-02T03:04:05Z',
          })),
        },
      },
      ['status.conditions[2]: Duplicate value: {"type":"Available"}'],
    ],
    [
      'GitSync',
      { spec: { url: '', ref: { tag: 'v1', commit: 'XYZ' }, interval: 'soon' } },
      [
        'spec.url: Invalid value: "": should be at least 1 chars long',
        `spec.ref.commit: Invalid value: "XYZ": should match '^[0-9a-f]{7,64}$'`,
        'spec.ref: Invalid value: ["tag","commit"]: exactly one of branch, tag, semver, commit must be set',
        `spec.interval: Invalid value: "soon": should match '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$'`,
      ],
    ],
    [
      'ClusterGitSync',
      { spec: { url: 'https://x', ref: {}, secretRef: { name: 'creds' } } },
      [
        'spec.ref: Invalid value: []: exactly one of branch, tag, semver, commit must be set',
        'spec.secretRef.namespace: Required value',
      ],
    ],
    [
      'PackageManifest',
      {
        apiVersion: 'manifests.package-operator.run/v1alpha1',
        kind: 'PackageManifest',
        metadata: { name: '' },
        spec: {
          scopes: ['Galaxy'],
          phases: [{ name: 'deploy' }, { name: 'deploy' }],
          availabilityProbes: [{ probes: [], selector: { kind: { group: '', kind: 'Pod' } } }],
          images: [
            { name: '', image: 'nginx' },
            { name: 'a', image: '' },
            { name: 'a', image: 'b' },
          ],
          constraints: [{ platform: ['Windows'] }],
        },
        test: {
          template: [{ name: 'has spaces' }],
          kubeconform: { kubernetesVersion: '' },
        },
      },
      [
        'metadata.name: Required value',
        'spec.scopes[0]: Unsupported value: "Galaxy": supported values: "Cluster", "Namespaced"',
        'spec.phases[1].name: Invalid value: "deploy": must be unique',
        'spec.availabilityProbes[0].probes: Required value',
        'spec.images[0].name: Invalid value: "": must be non empty',
        'spec.images[1].image: Invalid value: "": must be non empty',
        'spec.images[2].name: Invalid value: "a": must be unique',
        'spec.constraints[0].platform[0]: Unsupported value: "Windows": supported values: "Kubernetes", "OpenShift"',
        `test.template[0].name: Invalid value: "has spaces": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
        'test.kubeconform.kubernetesVersion: Required value',
      ],
    ],
    [
      'RepositoryEntry',
      { data: { image: 'quay.io/x/y', versions: '1.0.0' } },
      [
        'data.digest: Required value',
        'data.versions: Invalid value: "1.0.0": must be of type array',
      ],
    ],
    [
      'PackageManifestLock',
      { spec: { images: [{ name: 'a', image: 'nginx', digest: '' }] } },
      ['spec.images[0].digest: Invalid value: "": must be non empty'],
    ],
  ];

  it.each(cases)('%s %j', (kind, input, errors) => {
    expect(parseObject(kind, input)).toEqual({ ok: false, errors });
  });

  it('mustParseObject throws a UserError naming the kind, object and place', () => {
    let caught: unknown;
    try {
      mustParseObject('Package', { metadata: { name: 'nginx' }, spec: {} }, 'package.yaml');
    } catch (err) {
      caught = err;
    }
    expect(isUserError(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      'invalid Package "nginx" in package.yaml: spec.image: Required value',
    );
  });

  it('parseAnyObject rejects unknown kinds and unknown versions of known kinds', () => {
    expect(parseAnyObject({ apiVersion: 'v1', kind: 'ConfigMap' })).toEqual({
      ok: false,
      errors: ['unknown GVK v1, Kind=ConfigMap'],
    });
    expect(
      parseAnyObject({
        apiVersion: 'manifests.package-operator.run/v1beta1',
        kind: 'PackageManifest',
      }),
    ).toEqual({
      ok: false,
      errors: [
        'unsupported version manifests.package-operator.run/v1beta1 of PackageManifest: supported versions: v1alpha1',
      ],
    });
  });
});

describe('the registry', () => {
  it('names every kind with its group, version and scope', () => {
    expect(kindNames).toHaveLength(18);
    for (const name of kindNames) {
      const def = kinds[name];
      expect(def.kind).toBe(name);
      expect(lookupKind(def.apiVersion, name)).toBe(name);
      expect(def.plural).toBe(name.toLowerCase().replace(/y$/, 'ie') + 's');
    }
    expect(kinds.ClusterGitSync.scope).toBe('Cluster');
    expect(kinds.PackageManifest.crd).toBeUndefined();
  });
});

describe('status phases derived from conditions', () => {
  const c = (type: string, status: string) => ({ type, status });
  it('walks a Package from Unpacking through Progressing to Available', () => {
    expect(packagePhase(undefined)).toBe('Unpacking');
    expect(packagePhase([c('Unpacked', 'True'), c('Progressing', 'True')])).toBe('Progressing');
    expect(
      packagePhase([c('Unpacked', 'True'), c('Progressing', 'False'), c('Available', 'True')]),
    ).toBe('Available');
    expect(packagePhase([c('Unpacked', 'True'), c('Available', 'False')])).toBe('NotReady');
    expect(packagePhase([c('Invalid', 'True'), c('Available', 'True')])).toBe('Invalid');
    expect(packagePhase([c('Paused', 'True'), c('Unpacked', 'True')])).toBe('Paused');
  });

  it('derives an ObjectDeployment phase', () => {
    expect(objectDeploymentPhase([])).toBe('Progressing');
    expect(objectDeploymentPhase([c('Available', 'True')])).toBe('Available');
    expect(objectDeploymentPhase([c('Available', 'False')])).toBe('NotReady');
    expect(objectDeploymentPhase([c('Available', 'True'), c('Progressing', 'True')])).toBe(
      'Progressing',
    );
  });
});

describe('Package Operator conformance data', () => {
  /** Objects of our kinds in the conformance packages (not templates: .gotmpl/.tpl are skipped). */
  function* documents(dir: string): Generator<[string, unknown]> {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) {
        // ObjectTemplate inputs: YAML with Go template actions as keys, not objects.
        if (file.endsWith(path.join('controllers', 'objecttemplate'))) continue;
        yield* documents(file);
      } else if (/\.ya?ml$/.test(entry)) {
        for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
          if (doc.errors.length === 0) yield [path.relative(conformance, file), doc.toJS()];
        }
      }
    }
  }

  const invalid: Record<string, string[]> = {
    'pko-repo/integration/kubectl-package/testdata/packages/invalid/bad_manifest/manifest.yaml': [
      'spec.scopes: Required value',
    ],
    'pko-repo/cmd/kubectl-package/validatecmd/faultydata/manifest.yaml': [
      'spec.scopes: Required value',
      'spec.phases: Required value',
    ],
  };

  it('parses every manifest, lock file and Package object there; rejects the invalid ones as PKO does', () => {
    const seen: Record<string, number> = {};
    for (const [file, doc] of documents(conformance)) {
      const { apiVersion, kind } = (doc ?? {}) as { apiVersion?: unknown; kind?: unknown };
      if (typeof apiVersion !== 'string' || typeof kind !== 'string') continue;
      if (lookupKind(apiVersion, kind) === undefined) continue;
      const r = parseAnyObject(doc);
      expect(r.ok ? [] : r.errors, file).toEqual(invalid[file] ?? []);
      seen[kind] = (seen[kind] ?? 0) + 1;
    }
    // The data set is what we think it is (so this test cannot pass by finding nothing).
    expect(seen.PackageManifest).toBeGreaterThanOrEqual(50);
    expect(seen.PackageManifestLock).toBeGreaterThanOrEqual(6);
    expect(seen.Package).toBeGreaterThanOrEqual(6);
    expect(seen.ClusterPackage).toBeGreaterThanOrEqual(6);
  });
});
