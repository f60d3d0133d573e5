import { describe, expect, it } from 'vitest';
import { buildTemplateContext } from './context.js';
import { chunkObjects, chunkingStrategyOf, planDeployment } from './deploy-plan.js';
import { importFiles } from './import.js';
import { loadPackage } from './load.js';
import { objectSetTemplateSpec, parseConditionMap } from './objectset-template.js';
import { renderPackage } from './render.js';
import { formatTree } from './tree.js';
import type { PackageInstance } from './types.js';

const manifest = `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata:
  name: pkg
spec:
  scopes: [Namespaced, Cluster]
  phases: [{name: first}, {name: empty}, {name: second, class: remote}]
  availabilityProbes:
  - selector: {kind: {group: apps, kind: Deployment}}
    probes: [{condition: {type: Available, status: "True"}}]
`;

const obj = (name: string, phase: string, annotations = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations:\n    package-operator.run/phase: ${phase}\n${annotations}`;

function instance(files: Record<string, string>, namespace = 'ns'): PackageInstance {
  const pkg = loadPackage(importFiles({ 'manifest.yaml': manifest, ...files }));
  return renderPackage(pkg, buildTemplateContext({ name: 'inst', namespace }), {});
}

describe('objectSetTemplateSpec', () => {
  it('groups objects by phase in manifest order and drops empty phases', () => {
    const spec = objectSetTemplateSpec(
      instance({
        'a.yaml': obj('a2', 'second'),
        'b.yaml': `${obj('b1', 'first')}---\n${obj('b2', 'second')}`,
      }),
    );
    expect(
      spec.phases.map((p) => [
        p.name,
        p.class,
        p.objects.map((o) => (o.object.metadata as { name: string }).name),
      ]),
    ).toEqual([
      ['first', undefined, ['b1']],
      ['second', 'remote', ['a2', 'b2']],
    ]);
    expect(spec.availabilityProbes).toHaveLength(1);
  });

  it('turns authoring annotations into fields and strips them', () => {
    const spec = objectSetTemplateSpec(
      instance({
        'a.yaml': obj(
          'a',
          'first',
          '    package-operator.run/collision-protection: IfNoController\n    package-operator.run/condition-map: |\n      Available => my.domain/Ready\n      Degraded => my.domain/Broken\n    keep: me\n',
        ),
        'b.yaml': obj('b', 'first'),
      }),
    );
    const [a, b] = spec.phases[0]?.objects ?? [];
    expect(a?.collisionProtection).toBe('IfNoController');
    expect(a?.conditionMappings).toEqual([
      { sourceType: 'Available', destinationType: 'my.domain/Ready' },
      { sourceType: 'Degraded', destinationType: 'my.domain/Broken' },
    ]);
    expect((a?.object.metadata as { annotations: unknown }).annotations).toEqual({ keep: 'me' });
    // An annotations map left empty disappears (stable hashes).
    expect(b?.object.metadata).not.toHaveProperty('annotations');
  });

  it('rejects a bad condition map and a bad collision protection', () => {
    expect(() => parseConditionMap('Available')).toThrow('expected 2 part mapping got 1 in line 1');
    expect(() => parseConditionMap('A => Ready')).toThrow('must look like <dns-prefix>/<Name>');
    expect(() =>
      objectSetTemplateSpec(
        instance({
          'a.yaml': obj('a', 'first', '    package-operator.run/collision-protection: Always\n'),
        }),
      ),
    ).toThrow('must be one of Prevent, IfNoController, None');
  });
});

describe('planDeployment', () => {
  const big = (name: string, phase: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations:\n    package-operator.run/phase: ${phase}\ndata:\n  blob: "${'x'.repeat(400 * 1024)}"\n`;

  it('keeps objects inline when a phase fits into one slice', () => {
    const plan = planDeployment(instance({ 'a.yaml': obj('a', 'first') }), {
      name: 'inst',
      namespace: 'ns',
    });
    expect(plan.slices).toEqual([]);
    expect(plan.objectDeployment.kind).toBe('ObjectDeployment');
    expect(plan.objectDeployment.spec.selector.matchLabels).toEqual({
      'package-operator.run/package': 'pkg',
      'package-operator.run/instance': 'inst',
    });
    expect(plan.objectDeployment.spec.template.spec.phases[0]?.objects).toHaveLength(1);
  });

  it('binpacks 1 MiB of JSON per slice (next fit) once a phase overflows', () => {
    const files = Object.fromEntries(
      ['a', 'b', 'c', 'd', 'e'].map((n) => [`${n}.yaml`, big(n, 'first')]),
    );
    const plan = planDeployment(instance(files, ''), { name: 'inst', namespace: '' });
    expect(plan.objectDeployment.kind).toBe('ClusterObjectDeployment');
    expect(plan.slices.map((s) => s.objects.length)).toEqual([2, 2, 1]);
    const phase = plan.objectDeployment.spec.template.spec.phases[0];
    expect(phase?.objects).toEqual([]);
    expect(phase?.slices).toEqual(plan.slices.map((s) => s.metadata.name));
    expect(plan.slices[0]?.kind).toBe('ClusterObjectSlice');
    expect(plan.slices[0]?.metadata.name).toMatch(/^inst-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(plan.slices[0]?.metadata.labels).toEqual({
      'slices.package-operator.run/owner': 'inst',
    });
  });

  it('honours the chunking strategy annotation', () => {
    const inst = instance({ 'a.yaml': `${obj('a', 'first')}---\n${obj('b', 'first')}` });
    expect(
      planDeployment(inst, { name: 'i', namespace: 'ns', chunkingStrategy: 'EachObject' }).slices,
    ).toHaveLength(2);
    const files = Object.fromEntries(['a', 'b', 'c'].map((n) => [`${n}.yaml`, big(n, 'first')]));
    expect(
      planDeployment(instance(files), { name: 'i', namespace: 'ns', chunkingStrategy: 'NoOp' })
        .slices,
    ).toEqual([]);
    expect(chunkingStrategyOf('bogus')).toBe('BinpackNextFit');
    expect(chunkObjects([], 'BinpackNextFit')).toEqual([]);
  });

  it('names slices deterministically and changes the name with the collision count', () => {
    const inst = instance({ 'a.yaml': obj('a', 'first') });
    const a = planDeployment(inst, { name: 'i', namespace: 'ns', chunkingStrategy: 'EachObject' });
    const b = planDeployment(inst, { name: 'i', namespace: 'ns', chunkingStrategy: 'EachObject' });
    const c = planDeployment(inst, {
      name: 'i',
      namespace: 'ns',
      chunkingStrategy: 'EachObject',
      collisionCount: 1,
    });
    expect(a.slices[0]?.metadata.name).toBe(b.slices[0]?.metadata.name);
    expect(a.slices[0]?.metadata.name).not.toBe(c.slices[0]?.metadata.name);
  });
});

describe('formatTree', () => {
  it('prints the gotree layout: every phase with └──, objects of the last phase with └──', () => {
    const spec = objectSetTemplateSpec(
      instance({
        'a.yaml': `${obj('a1', 'first')}---\n${obj('a2', 'first')}`,
        'b.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: ns\n  annotations: {package-operator.run/phase: second}\n---\n${obj('b2', 'second')}`,
      }),
    );
    expect(
      formatTree({ manifestName: 'pkg', packageName: 'inst', packageNamespace: 'ns' }, spec),
    ).toBe(
      'pkg\nPackage ns/inst\n└── Phase first\n│   ├── /v1, Kind=ConfigMap /a1\n│   ├── /v1, Kind=ConfigMap /a2\n└── Phase second\n    └── apps/v1, Kind=Deployment ns/d\n    └── /v1, Kind=ConfigMap /b2\n',
    );
    expect(
      formatTree(
        { manifestName: 'pkg', packageName: 'inst', packageNamespace: '' },
        { phases: [], availabilityProbes: [] },
      ),
    ).toBe('pkg\nClusterPackage /inst\n');
  });
});
