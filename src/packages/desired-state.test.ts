import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultRenderCapabilities } from './engines.js';
import { importFiles, importFolder } from './import.js';
import { defaultDesiredStateManifest, loadDesiredState, phaseForKind } from './desired-state.js';
import type { ObjectSetTemplatePhase } from './objectset-template.js';

const caps = defaultRenderCapabilities();
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

function load(
  files: Record<string, string>,
  opts: { namespace?: string; config?: Record<string, unknown> } = {},
) {
  return loadDesiredState(
    {
      files: importFiles(files).files,
      name: 'prod',
      namespace: opts.namespace ?? '',
      config: opts.config,
    },
    caps,
  );
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

/** `phase: [Kind/name, ...]` of a plan, in order. */
function layout(phases: readonly ObjectSetTemplatePhase[]): Record<string, string[]> {
  return Object.fromEntries(
    phases.map((p) => [
      p.name,
      p.objects.map(
        (o) => `${String(o.object.kind)}/${(o.object.metadata as { name: string }).name}`,
      ),
    ]),
  );
}

const namespace = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
`;
const infra = `apiVersion: package-operator.run/v1alpha1
kind: ClusterPackage
metadata: {name: operator}
spec: {image: packsync.local/examples/operator:v1}
`;
const app = `apiVersion: package-operator.run/v1alpha1
kind: Package
metadata: {name: web, namespace: shop}
spec:
  image: packsync.local/examples/app:v1
  config: {replicas: {{ .config.replicas }}}
`;
const cm = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {mode: fast}
`;

describe('loadDesiredState with the default manifest', () => {
  it('places objects without a phase by kind and renders templates with spec.config', () => {
    const ds = load(
      {
        'namespaces/shop.yaml': namespace,
        'infra/operator.yaml': infra,
        'apps/web.yaml.gotmpl': app,
        'apps/settings.yaml': cm,
        'README.md': '# not an object',
      },
      { config: { replicas: 3 } },
    );
    expect(ds.defaultManifest).toBe(true);
    const od = ds.plan.objectDeployment;
    expect(od.kind).toBe('ClusterObjectDeployment');
    expect(od.metadata.name).toBe('prod');
    const spec = od.spec.template.spec;
    expect(layout(spec.phases)).toEqual({
      namespaces: ['Namespace/shop'],
      packages: ['Package/web', 'ClusterPackage/operator'],
      default: ['ConfigMap/settings'],
    });
    const web = spec.phases[1]?.objects[0]?.object as { spec: unknown; metadata: unknown };
    expect(web.spec).toEqual({
      image: 'packsync.local/examples/app:v1',
      config: { replicas: 3 },
    });
    // The phase annotation is an authoring annotation: it never reaches the cluster.
    expect(web.metadata).not.toHaveProperty('annotations');
    expect(spec.availabilityProbes).toEqual([
      {
        selector: { kind: { group: 'package-operator.run', kind: 'Package' } },
        probes: [{ condition: { type: 'Available', status: 'True' } }],
      },
      {
        selector: { kind: { group: 'package-operator.run', kind: 'ClusterPackage' } },
        probes: [{ condition: { type: 'Available', status: 'True' } }],
      },
    ]);
  });

  it('keeps an explicit phase annotation of the default phases', () => {
    const ds = load({
      'cm.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: early
  namespace: shop
  annotations: {package-operator.run/phase: namespaces}
`,
    });
    expect(layout(ds.plan.objectDeployment.spec.template.spec.phases)).toEqual({
      namespaces: ['ConfigMap/early'],
    });
  });

  it('names the file and document of an unknown phase', () => {
    const msg = errorOf(() =>
      load({
        'a.yaml': namespace,
        'apps/web.yaml': `${cm}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: other
  annotations: {package-operator.run/phase: apps}
`,
      }),
    );
    expect(msg).toBe('Phase name not found in manifest in apps/web.yaml idx 1');
  });

  it('names the file of broken YAML', () => {
    const msg = errorOf(() => load({ 'apps/web.yaml': 'kind: ConfigMap\nmetadata: [name\n' }));
    expect(msg).toMatch(/^Invalid YAML in apps\/web.yaml idx 0: error converting YAML to JSON/);
  });

  it('names the template and field of a template error', () => {
    const msg = errorOf(() => load({ 'apps/web.yaml.gotmpl': app }, { config: {} }));
    expect(msg).toContain('apps/web.yaml.gotmpl');
    expect(msg).toContain('replicas');
  });

  it('restricts a namespaced GitSync to namespaced objects in its namespace', () => {
    expect(errorOf(() => load({ 'ns.yaml': namespace }, { namespace: 'shop' }))).toBe(
      'Cluster-scoped object in a namespaced package in ns.yaml idx 0: /v1, Kind=Namespace shop',
    );
    expect(errorOf(() => load({ 'cm.yaml': cm }, { namespace: 'team-a' }))).toBe(
      'Object outside of the package namespace in cm.yaml idx 0: namespace "shop" is not the package namespace "team-a"',
    );
    const ds = load({ 'cm.yaml': cm }, { namespace: 'shop' });
    expect(ds.plan.objectDeployment).toMatchObject({
      kind: 'ObjectDeployment',
      metadata: { name: 'prod', namespace: 'shop' },
    });
  });

  it('maps kinds to the default phases', () => {
    const obj = (apiVersion: string, kind: string) => ({ apiVersion, kind, metadata: {} });
    expect(phaseForKind(obj('v1', 'Namespace'))).toBe('namespaces');
    expect(phaseForKind(obj('package-operator.run/v1alpha1', 'Package'))).toBe('packages');
    expect(phaseForKind(obj('package-operator.run/v1alpha1', 'ClusterPackage'))).toBe('packages');
    expect(phaseForKind(obj('example.com/v1', 'Namespace'))).toBe('default');
    expect(phaseForKind(obj('apps/v1', 'Deployment'))).toBe('default');
    expect(defaultDesiredStateManifest('x').spec.phases.map((p) => p.name)).toEqual([
      'namespaces',
      'packages',
      'default',
    ]);
  });
});

const manifest = `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata: {name: fleet}
spec:
  scopes: [Cluster]
  phases: [{name: infra}, {name: apps}]
  config:
    openAPIV3Schema:
      type: object
      properties:
        replicas: {type: integer, default: 2}
`;

describe("loadDesiredState with the repository's manifest", () => {
  it('requires the phase annotation on every object', () => {
    expect(errorOf(() => load({ 'manifest.yaml': manifest, 'infra/op.yaml': infra }))).toBe(
      'Missing package-operator.run/phase Annotation in infra/op.yaml idx 0',
    );
  });

  it('uses its phases and admits spec.config through its schema', () => {
    const phased = (text: string, phase: string) =>
      text.replace(
        'metadata: {name:',
        `metadata: {annotations: {package-operator.run/phase: ${phase}}, name:`,
      );
    const ds = load({
      'manifest.yaml': manifest,
      'infra/op.yaml': phased(infra, 'infra'),
      'apps/web.yaml.gotmpl': phased(app, 'apps'),
    });
    expect(ds.defaultManifest).toBe(false);
    expect(layout(ds.plan.objectDeployment.spec.template.spec.phases)).toEqual({
      infra: ['ClusterPackage/operator'],
      apps: ['Package/web'],
    });
    expect(ds.instance.context.config).toEqual({ replicas: 2 });
    expect(
      errorOf(() =>
        load(
          { 'manifest.yaml': manifest, 'a.yaml': phased(infra, 'infra') },
          {
            config: { replicas: 'many' },
          },
        ),
      ),
    ).toContain('spec.config.replicas');
  });

  it('rejects a scope the manifest does not allow', () => {
    expect(
      errorOf(() => load({ 'manifest.yaml': manifest, 'cm.yaml': cm }, { namespace: 'shop' })),
    ).toBe(
      'Package unsupported scope in manifest.yaml: Namespaced is not one of the scopes of the package: [Cluster]',
    );
  });
});

describe('examples/desired-state', () => {
  it('passes validation and installs infrastructure before applications', async () => {
    const raw = await importFolder(join(repoRoot, 'examples/desired-state'));
    const ds = loadDesiredState({ files: raw.files, name: 'local', namespace: '' }, caps);
    const phases = ds.plan.objectDeployment.spec.template.spec.phases;
    const names = phases.map((p) => p.name);
    expect(names.indexOf('infra')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('infra')).toBeLessThan(names.indexOf('apps'));
    const kinds = (phase: string) =>
      phases.find((p) => p.name === phase)?.objects.map((o) => o.object.kind) ?? [];
    expect(kinds('infra')).toContain('ClusterPackage');
    expect(kinds('apps')).toContain('Package');
    for (const p of phases) {
      for (const o of p.objects) {
        const image = (o.object.spec as { image?: string } | undefined)?.image;
        if (o.object.kind === 'Package' || o.object.kind === 'ClusterPackage') {
          expect(image).toMatch(/^packsync\.local\//);
        }
      }
    }
  });
});
