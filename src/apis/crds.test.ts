import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { crdFiles, crds, crdsYaml, type CustomResourceDefinition } from './crds.js';
import type { JSONSchemaProps } from './openapi.js';

const crdDir = path.resolve(import.meta.dirname, '..', '..', 'crds');

function byKind(kind: string): CustomResourceDefinition {
  const crd = crds().find((c) => c.spec.names.kind === kind);
  if (!crd) throw new Error(`no CRD for ${kind}`);
  return crd;
}

function schemaAt(crd: CustomResourceDefinition, ...fields: string[]): JSONSchemaProps {
  let node = crd.spec.versions[0]?.schema.openAPIV3Schema;
  for (const f of fields) node = node?.properties?.[f];
  if (!node) throw new Error(`no schema at ${fields.join('.')}`);
  return node;
}

describe('generated CRDs', () => {
  it('crds/ holds exactly the generated files, byte for byte (run `npm run crds:generate`)', () => {
    const committed = readdirSync(crdDir)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const generated = crdFiles();
    expect(committed).toEqual(generated.map((f) => f.filename));
    for (const f of generated) {
      expect(readFileSync(path.join(crdDir, f.filename), 'utf8'), f.filename).toBe(f.content);
    }
  });

  it('is one CRD per custom resource kind; the manifest file formats have none', () => {
    expect(
      crds()
        .map((c) => c.metadata.name)
        .sort(),
    ).toEqual([
      'clustergitsyncs.packsync.dev',
      'clusterobjectdeployments.package-operator.run',
      'clusterobjectsetphases.package-operator.run',
      'clusterobjectsets.package-operator.run',
      'clusterobjectslices.package-operator.run',
      'clusterobjecttemplates.package-operator.run',
      'clusterpackages.package-operator.run',
      'gitsyncs.packsync.dev',
      'objectdeployments.package-operator.run',
      'objectsetphases.package-operator.run',
      'objectsets.package-operator.run',
      'objectslices.package-operator.run',
      'objecttemplates.package-operator.run',
      'packages.package-operator.run',
    ]);
  });

  it('streams as multi-document YAML that reads back to the same objects (YAML 1.1 safe)', () => {
    const docs = parseAllDocuments(crdsYaml(), { version: '1.1' });
    const objects = docs.map((d) => d.toJS() as CustomResourceDefinition);
    const expected = crdFiles().map((f) =>
      crds().find((c) => f.filename === `${c.spec.group}_${c.spec.names.plural}.yaml`)!,
    );
    expect(objects).toEqual(JSON.parse(JSON.stringify(expected)));
    // "True" stays a string for kubectl's YAML 1.1 reader; shared schema parts are not aliased.
    expect(crdsYaml()).toContain('default: "True"');
    expect(crdsYaml()).not.toMatch(/[&*]a\d/);
  });

  it('uses Package Operator names, scopes and short names', () => {
    const names = Object.fromEntries(
      crds().map((c) => [c.spec.names.kind, [c.spec.scope, ...(c.spec.names.shortNames ?? [])]]),
    );
    expect(names).toMatchObject({
      Package: ['Namespaced', 'pkg'],
      ClusterPackage: ['Cluster', 'clpkg'],
      ObjectDeployment: ['Namespaced', 'objdeploy', 'od'],
      ClusterObjectDeployment: ['Cluster', 'clobjdeploy', 'cod'],
      ObjectSet: ['Namespaced', 'objset', 'os'],
      ClusterObjectSet: ['Cluster', 'clobjset', 'cos'],
      ObjectSetPhase: ['Namespaced', 'objsetphase', 'osp'],
      ObjectTemplate: ['Namespaced', 'objtmpl', 'ot'],
      GitSync: ['Namespaced', 'gs'],
      ClusterGitSync: ['Cluster', 'cgs'],
    });
  });

  it('shows a STATUS column from status.phase first on Packages and ObjectDeployments', () => {
    for (const kind of [
      'Package',
      'ClusterPackage',
      'ObjectDeployment',
      'ClusterObjectDeployment',
    ]) {
      const cols = byKind(kind).spec.versions[0]?.additionalPrinterColumns ?? [];
      expect(cols[0]).toEqual({ name: 'Status', type: 'string', jsonPath: '.status.phase' });
      expect(cols.map((c) => c.name)).toEqual(
        expect.arrayContaining(['Available', 'Progressing', 'Revision', 'Age']),
      );
      expect(schemaAt(byKind(kind), 'status').default).toEqual({ phase: 'Pending' });
    }
    expect(
      byKind('ClusterPackage').spec.versions[0]?.additionalPrinterColumns?.map((c) => c.name),
    ).toEqual(['Status', 'Available', 'Progressing', 'Unpacked', 'Invalid', 'Revision', 'Age']);
  });

  it('has a status subresource everywhere but on slices', () => {
    for (const crd of crds()) {
      const hasStatus = crd.spec.versions[0]?.subresources?.status !== undefined;
      expect(hasStatus, crd.metadata.name).toBe(!crd.spec.names.kind.endsWith('ObjectSlice'));
    }
  });

  it('marks phase objects as embedded resources that keep unknown fields', () => {
    const object = schemaAt(byKind('ObjectSet'), 'spec', 'phases');
    const item = (object.items as JSONSchemaProps).properties?.objects;
    expect((item?.items as JSONSchemaProps).properties?.object).toEqual({
      type: 'object',
      'x-kubernetes-embedded-resource': true,
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(schemaAt(byKind('Package'), 'spec', 'config')).toMatchObject({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('carries the immutability rules with the "<field> is immutable" messages', () => {
    const messages = (node: JSONSchemaProps): string[] =>
      (node['x-kubernetes-validations'] ?? []).map((v) => v.message ?? '');
    for (const kind of ['ObjectSet', 'ClusterObjectSet']) {
      expect(messages(schemaAt(byKind(kind), 'spec'))).toEqual([
        'previous is immutable',
        'phases is immutable',
        'availabilityProbes is immutable',
        'successDelaySeconds is immutable',
        'revision is immutable',
      ]);
      expect(schemaAt(byKind(kind), 'spec', 'lifecycleState').enum).toEqual([
        'Active',
        'Paused',
        'Archived',
      ]);
    }
    for (const kind of ['ObjectSetPhase', 'ClusterObjectSetPhase']) {
      const spec = schemaAt(byKind(kind), 'spec');
      expect(messages(spec)).toEqual(['previous is immutable', 'availabilityProbes is immutable']);
      for (const field of ['revision', 'previous', 'availabilityProbes', 'objects']) {
        expect(spec.properties?.[field]?.['x-kubernetes-validations']).toEqual([
          { rule: 'self == oldSelf', message: `${field} is immutable` },
        ]);
      }
      expect(spec.properties?.paused?.['x-kubernetes-validations']).toBeUndefined();
    }
    for (const kind of ['ObjectSlice', 'ClusterObjectSlice']) {
      expect(messages(schemaAt(byKind(kind), 'objects'))).toEqual(['objects is immutable']);
    }
    for (const kind of ['Package', 'ObjectDeployment', 'ObjectTemplate']) {
      expect(JSON.stringify(byKind(kind))).not.toContain('is immutable');
    }
  });
});
