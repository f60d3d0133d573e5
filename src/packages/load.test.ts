import { resolve, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles, importFolder } from './import.js';
import { loadPackage } from './load.js';
import { ViolationError } from './errors.js';

const structure = resolve(
  import.meta.dirname,
  '../../../shared/conformance/pko-repo/internal/packages/internal/packagestructure/testdata',
);
const load = async (dir: string, component?: string) =>
  loadPackage(
    await importFolder(join(structure, dir)),
    component === undefined ? {} : { component },
  );

const manifest = (extra = '') => `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata:
  name: pkg
spec:
  scopes: [Namespaced]
  phases: [{name: deploy}]
${extra}
`;

describe('loadPackage: PKO loader fixtures', () => {
  it('base: manifest removed from the files', async () => {
    const pkg = await load('base');
    expect(pkg.manifest.metadata.name).toBe('cool-package');
    expect([...pkg.files.keys()].sort()).toEqual(['Containerfile', 'some-statefulset.yaml']);
    expect(pkg.manifestLock).toBeUndefined();
  });

  it.each([
    ['duplicated-manifest', 'PackageManifest present multiple times'],
    ['duplicated-manifest-lock', 'PackageManifestLock present multiple times'],
    ['missing-manifest', 'PackageManifest not found: searched at manifest.yaml and manifest.yml'],
  ])('%s', async (dir, message) => {
    await expect(load(dir)).rejects.toThrow(message);
    await expect(load(dir)).rejects.toBeInstanceOf(ViolationError);
  });

  it('components-disabled: components/ is ordinary content', async () => {
    const pkg = await load('multi-component/components-disabled');
    expect(pkg.components).toEqual([]);
    expect([...pkg.files.keys()].sort()).toEqual([
      'ConfigMap.yaml',
      'components/backend/Deployment.yaml',
      'components/frontend/Deployment.yaml',
    ]);
    await expect(load('multi-component/components-disabled', 'frontend')).rejects.toThrow(
      'Components not enabled',
    );
  });

  it('components-enabled/valid: components split off the root', async () => {
    const pkg = await load('multi-component/components-enabled/valid');
    expect([...pkg.files.keys()]).toEqual(['ConfigMap.yaml']);
    expect(pkg.components.map((c) => c.component)).toEqual(['backend', 'frontend']);
    const backend = pkg.components[0];
    expect(backend?.manifest.metadata.name).toBe('backend');
    expect([...(backend?.files.keys() ?? [])]).toEqual(['Deployment.yaml']);
    const only = await load('multi-component/components-enabled/valid', 'frontend');
    expect(only.component).toBe('frontend');
    expect([...only.files.keys()]).toEqual(['Deployment.yaml']);
    const root = await load('multi-component/components-enabled/valid', '');
    expect([...root.files.keys()]).toEqual(['ConfigMap.yaml']);
    await expect(load('multi-component/components-enabled/valid', 'foobar')).rejects.toThrow(
      'Component not found [foobar]',
    );
  });

  it('nested components are rejected', async () => {
    await expect(load('multi-component/components-enabled/nested-components')).rejects.toThrow(
      'Nesting multi-component packages not allowed [backend]',
    );
  });

  it('a plain file in components/ is rejected', async () => {
    await expect(
      load('multi-component/components-enabled/invalid-files-in-components-dir'),
    ).rejects.toThrow(
      'The components directory may only contain folders and dot files in components/foobar',
    );
  });
});

describe('loadPackage: manifest rules', () => {
  const loadText = (text: string, more: Record<string, string> = {}) =>
    loadPackage(importFiles({ 'manifest.yaml': text, ...more }));

  it.each([
    [
      'unknown kind',
      manifest().replace('kind: PackageManifest', 'kind: Deployment'),
      'unknown GVK in manifest.yaml: manifests.package-operator.run/v1alpha1, Kind=Deployment',
    ],
    [
      'unsupported version',
      manifest().replace('/v1alpha1', '/v9'),
      'PackageManifest invalid in manifest.yaml: unsupported version "v9", supported versions: [v1alpha1]',
    ],
    [
      'missing scopes and phases',
      'apiVersion: manifests.package-operator.run/v1alpha1\nkind: PackageManifest\nmetadata: {name: x}\n',
      'PackageManifest invalid in manifest.yaml: [spec.scopes: Required value, spec.phases: Required value]',
    ],
    [
      'duplicate phases',
      manifest().replace('[{name: deploy}]', '[{name: a}, {name: a}]'),
      'spec.phases[1].name: Invalid value: "a": must be unique',
    ],
    [
      'empty probes',
      manifest(
        '  availabilityProbes: [{selector: {kind: {group: apps, kind: Deployment}}, probes: []}]',
      ),
      'spec.availabilityProbes[0].probes: Required value',
    ],
    [
      'duplicate and empty images',
      manifest('  images: [{name: a, image: "x"}, {name: a, image: "z"}, {name: "", image: ""}]'),
      '[spec.images[1].name: Invalid value: "a": must be unique, spec.images[2].name: Invalid value: "": must be non empty, spec.images[2].image: Invalid value: "": must be non empty]',
    ],
    [
      'invalid filter condition name',
      manifest('  filter: {conditions: [{name: "1bad", expression: "true"}]}'),
      'spec.filter.conditions[0].name: Invalid value: "1bad"',
    ],
    [
      'invalid test case name',
      manifest() + 'test:\n  template: [{name: "bad name"}]\n',
      'test.template[0].name: Invalid value: "bad name": a valid config key must consist of alphanumeric characters',
    ],
    [
      'test case config checked against the schema',
      manifest(
        '  config:\n    openAPIV3Schema: {type: object, required: [image], properties: {image: {type: string}}}',
      ) + 'test:\n  template: [{name: t, context: {config: {}}}]\n',
      'test.template[0].context.config.image: Required value',
    ],
    ['wrong type', manifest().replace('[Namespaced]', 'Namespaced'), 'spec.scopes: must be a list'],
    [
      'unknown scope',
      manifest().replace('[Namespaced]', '[Everywhere]'),
      'spec.scopes[0]: Unsupported value: "Everywhere"',
    ],
  ])('%s', (_name, text, message) => {
    expect(() => loadText(text)).toThrow(message);
  });

  it('requires a lock file when spec.images is set', () => {
    expect(() => loadText(manifest('  images: [{name: a, image: nginx:1}]'))).toThrow(
      'Missing image in manifest.lock.yaml, but using PackageManifest.spec.images. Try running: kubectl package update',
    );
  });

  it('checks the lock file against spec.images', () => {
    const lock = (
      name: string,
      image: string,
    ) => `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifestLock
spec:
  images: [{name: ${name}, image: "${image}", digest: "sha256:abc"}]
`;
    const m = manifest('  images: [{name: a, image: "nginx:1"}]');
    expect(() => loadText(m, { 'manifest.lock.yaml': lock('a', 'nginx:2') })).toThrow(
      'Image specified in manifest does not match with lockfile',
    );
    expect(() => loadText(m, { 'manifest.lock.yaml': lock('b', 'nginx:1') })).toThrow(
      'Image specified in manifest but missing from lockfile',
    );
    const pkg = loadText(m, { 'manifest.lock.yaml': lock('a', 'nginx:1') });
    expect(pkg.manifestLock?.spec.images[0]?.digest).toBe('sha256:abc');
    expect([...pkg.files.keys()]).toEqual([]);
  });

  it('uses a default manifest when the files have none (GitSync folders)', async () => {
    const fallback = loadText(manifest()).manifest;
    const pkg = loadPackage(importFiles({ 'a.yaml': 'x: 1\n' }), { defaultManifest: fallback });
    expect(pkg.manifest.metadata.name).toBe('pkg');
    expect([...pkg.files.keys()]).toEqual(['a.yaml']);
    await expect(load('missing-manifest')).rejects.toThrow('PackageManifest not found');
  });

  it('rejects an empty package', () => {
    expect(() => loadPackage(importFiles({}))).toThrow('Package image contains no files');
  });
});
