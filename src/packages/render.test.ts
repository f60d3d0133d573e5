import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { celEvaluator as cel } from './engines.js';
import { buildTemplateContext } from './context.js';
import { importFiles, importFolder } from './import.js';
import { loadPackage } from './load.js';
import { nameOf } from './object-validators.js';
import { renderObjects, renderPackage } from './render.js';

const conformance = resolve(import.meta.dirname, '../../../shared/conformance');

const header = `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata:
  name: pkg
spec:
  scopes: [Namespaced, Cluster]
  phases: [{name: deploy}, {name: other}]
`;

const cm = (name: string, extra = '', phase = 'deploy') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
  annotations:
    package-operator.run/phase: ${phase}
${extra}`;

const ctx = (namespace = 'ns') => buildTemplateContext({ name: 'inst', namespace });

describe('renderPackage', () => {
  it('orders objects by path (component-wise), then document order; PKO render fixture', async () => {
    const pkg = loadPackage(
      await importFolder(
        resolve(conformance, 'pko-repo/internal/packages/internal/packagerender/testdata/base'),
      ),
    );
    const inst = renderPackage(pkg, ctx(), {});
    expect(inst.objects.map(nameOf)).toEqual(['zzz', 'some-stateful-set-1', 't4', 'abc']);
  });

  it('sorts "/" before every other character', () => {
    const pkg = loadPackage(
      importFiles({
        'manifest.yaml': header,
        'a-b.yaml': cm('dash'),
        'a/b.yaml': cm('nested'),
        'a.yaml': cm('dot'),
        'B.yaml': cm('upper'),
      }),
    );
    expect(renderPackage(pkg, ctx(), {}).objects.map(nameOf)).toEqual([
      'upper',
      'nested',
      'dash',
      'dot',
    ]);
  });

  it('adds the package and instance labels, drops empty documents, skips _ and non-YAML files', () => {
    const pkg = loadPackage(
      importFiles({
        'manifest.yaml': header,
        'objs.yaml': `---\n${cm('a', '  labels: {app: x}\n')}---\n# only a comment\n---\n\n---\n${cm('b')}`,
        '_skip.yaml': cm('skipped'),
        'notes.txt': cm('text'),
        'sub/_also.yml': cm('skipped2'),
      }),
    );
    const inst = renderPackage(pkg, ctx(), {});
    expect(inst.objects.map(nameOf)).toEqual(['a', 'b']);
    expect((inst.objects[0]?.metadata as { labels: unknown }).labels).toEqual({
      app: 'x',
      'package-operator.run/package': 'pkg',
      'package-operator.run/instance': 'inst',
    });
  });

  it('rejects a scope the manifest does not allow', () => {
    const pkg = loadPackage(
      importFiles({ 'manifest.yaml': header.replace('[Namespaced, Cluster]', '[Cluster]') }),
    );
    expect(() => renderPackage(pkg, ctx('ns'), {})).toThrow('Package unsupported scope');
    expect(renderPackage(pkg, ctx(''), {}).objects).toEqual([]);
  });

  it('keeps a namespaced package inside its namespace and free of cluster-scoped objects', () => {
    const files = {
      'manifest.yaml': header,
      'ns.yaml':
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  annotations: {package-operator.run/phase: deploy}\n',
      'other.yaml': cm('o').replace('metadata:\n', 'metadata:\n  namespace: elsewhere\n'),
    };
    const pkg = loadPackage(importFiles(files));
    expect(() => renderPackage(pkg, ctx('ns'), {})).toThrow(
      'Cluster-scoped object in a namespaced package in ns.yaml idx 0: /v1, Kind=Namespace x\nObject outside of the package namespace in other.yaml idx 0',
    );
    expect(renderPackage(pkg, ctx(''), {}).objects.map(nameOf)).toEqual(['x', 'o']);
  });

  it.each([
    [
      'missing phase annotation',
      cm('a').replace('    package-operator.run/phase: deploy\n', '    x: y\n'),
      'Missing package-operator.run/phase Annotation in f.yaml idx 0',
    ],
    ['unknown phase', cm('a', '', 'nope'), 'Phase name not found in manifest in f.yaml idx 0'],
    [
      'missing kind',
      cm('a').replace('kind: ConfigMap', 'kind:'),
      'Invalid YAML in f.yaml idx 0: Object \'Kind\' is missing in \'{"apiVersion":"v1"',
    ],
    [
      'missing version',
      cm('a').replace('apiVersion: v1', 'apiVersion: ""'),
      'GroupVersionKind not set in f.yaml idx 0',
    ],
    ['duplicate', `${cm('a')}---\n${cm('a')}`, 'Duplicate Object in f.yaml idx 1'],
    [
      'bad label',
      cm('a', '  labels: {-bad-: -no-good-}\n'),
      'Labels invalid in f.yaml idx 0: [metadata.labels: Invalid value: "-bad-": name part must consist',
    ],
    ['invalid YAML', 'a: [1', 'Invalid YAML in f.yaml idx 0'],
    [
      'a list is not an object',
      '- a\n- b\n',
      'Invalid YAML in f.yaml idx 0: error unmarshaling JSON',
    ],
  ])('object validation: %s', (_name, content, message) => {
    const pkg = loadPackage(importFiles({ 'manifest.yaml': header, 'f.yaml': content }));
    expect(() => renderPackage(pkg, ctx(), {})).toThrow(message);
  });

  it('asks for a template engine only when there are templates', () => {
    const pkg = loadPackage(importFiles({ 'manifest.yaml': header, 'a.yaml.gotmpl': 'x' }));
    expect(() => renderPackage(pkg, ctx(), {})).toThrow('no template engine available');
  });

  it('checks constraints when asked, and a failed one blocks', () => {
    const pkg = loadPackage(
      importFiles({
        'manifest.yaml': `${header}  constraints:\n  - platformVersion: {name: Kubernetes, range: ">=1.28"}\n  - platform: [Kubernetes]\n`,
        'a.yaml': cm('a'),
      }),
    );
    const old = buildTemplateContext({
      name: 'i',
      namespace: 'ns',
      environment: { kubernetes: { version: 'v1.27.3' } },
    });
    expect(() => renderPackage(pkg, old, {}, { checkConstraints: true })).toThrow(
      'Constraints not met: Kubernetes version v1.27.3 does not satisfy >=1.28',
    );
    const okCtx = buildTemplateContext({
      name: 'i',
      namespace: 'ns',
      environment: { kubernetes: { version: 'v1.29.0' } },
    });
    expect(renderPackage(pkg, okCtx, {}, { checkConstraints: true }).objects).toHaveLength(1);
    const os = buildTemplateContext({
      name: 'i',
      namespace: 'ns',
      environment: { kubernetes: { version: 'v1.29.0' }, openShift: { version: '4.15' } },
    });
    expect(() => renderPackage(pkg, os, {}, { checkConstraints: true })).toThrow(
      'Platform OpenShift is not one of [Kubernetes]',
    );
  });
});

describe('renderObjects: CEL filtering', () => {
  const manifest = `${header}  filter:
    conditions:
    - {name: isBread, expression: '.config.banana == "bread"'}
    paths:
    - {glob: "sub/**", expression: cond.isBread}
`;
  const files = {
    'manifest.yaml': manifest,
    'multi.yaml': `${cm('first', '', 'deploy').replace('    package-operator.run/phase: deploy', "    package-operator.run/phase: deploy\n    package-operator.run/condition: 'false'")}---\n${cm('second')}---\n${cm('third').replace('    package-operator.run/phase: deploy', '    package-operator.run/phase: deploy\n    package-operator.run/condition: cond.isBread')}`,
    'sub/deep/x.yaml': cm('globbed'),
    'all-filtered.yaml': cm('gone').replace(
      '    package-operator.run/phase: deploy',
      "    package-operator.run/phase: deploy\n    package-operator.run/condition: 'false'",
    ),
  };

  it('removes objects by annotation and files by path glob, and records what was removed', () => {
    const pkg = loadPackage(importFiles(files));
    const c = buildTemplateContext({ name: 'i', namespace: 'ns', config: { banana: 'apple' } });
    const r = renderObjects(pkg, c, { cel });
    expect([...r.excludedPaths]).toEqual(['sub/deep/x.yaml']);
    expect(r.pathObjects.get('multi.yaml')?.map(nameOf)).toEqual(['second']);
    expect(r.pathObjects.get('all-filtered.yaml')).toEqual([]);
    expect(r.filteredIndexes.get('multi.yaml')).toEqual([0, 2]);
    const bread = buildTemplateContext({ name: 'i', namespace: 'ns', config: { banana: 'bread' } });
    const r2 = renderObjects(pkg, bread, { cel });
    expect(r2.excludedPaths.size).toBe(0);
    expect(r2.pathObjects.get('multi.yaml')?.map(nameOf)).toEqual(['second', 'third']);
  });

  it('reports an invalid condition annotation with PKO text', () => {
    const pkg = loadPackage(
      importFiles({
        'manifest.yaml': header,
        'a.yaml': cm('a').replace(
          '    package-operator.run/phase: deploy',
          '    package-operator.run/phase: deploy\n    package-operator.run/condition: "1 +"',
        ),
      }),
    );
    expect(() => renderObjects(pkg, ctx(), { cel })).toThrow(
      /^The CEL expression in package-operator.run\/condition annotation is invalid\.: .*\na$/s,
    );
  });
});
