import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/index.js';
import { defaultPackageObjects, localImageTags, prepareObject } from './apply.js';
import type { FoundObject } from './discover.js';
import type { BuildResult, BuiltPackage } from './local-packages.js';

const PKO = 'package-operator.run/v1alpha1';
const digest = `sha256:${'a'.repeat(64)}`;

function found(object: KubeObject): FoundObject {
  return { object, file: 'packages.yaml', index: 0 };
}

function pkgObject(image: string, namespace?: string): KubeObject {
  return {
    apiVersion: PKO,
    kind: 'Package',
    metadata: { name: 'web', ...(namespace ? { namespace } : {}) },
    spec: { image },
  };
}

function built(repository: string, scopes: string[]): BuiltPackage {
  return {
    found: {
      folder: `/x/${repository}`,
      path: repository,
      manifestFile: `/x/${repository}/manifest.yaml`,
      manifestShown: `${repository}/manifest.yaml`,
      repository,
    },
    digest,
    tags: ['latest'],
    scopes,
  };
}

const builds: BuildResult = {
  built: new Map([['app', built('app', ['Namespaced'])]]),
  failed: new Map([['broken', { file: 'broken', message: 'bad manifest' }]]),
};

describe('prepareObject', () => {
  it('pins a local image to the digest just built, keeping the tag', () => {
    const r = prepareObject(found(pkgObject('packsync.local/app:v1', 'demo')), builds);
    expect(r).toEqual({ object: pkgObject(`packsync.local/app:v1@${digest}`, 'demo') });
  });

  it('puts a Package without namespace in default, and leaves other registries alone', () => {
    const r = prepareObject(found(pkgObject('quay.io/org/app:v1')), builds);
    expect(r).toEqual({ object: pkgObject('quay.io/org/app:v1', 'default') });
  });

  it('does not apply a Package whose local package failed or does not exist', () => {
    expect(prepareObject(found(pkgObject('packsync.local/broken')), builds)).toEqual({
      problem: 'not applied: its package broken failed to build',
    });
    expect(prepareObject(found(pkgObject('packsync.local/nope:v2')), builds)).toEqual({
      problem: 'not applied: no package folder nope for image packsync.local/nope:v2',
    });
  });
});

describe('localImageTags', () => {
  it('collects the tags Package objects ask of local packages', () => {
    const tags = localImageTags([
      found(pkgObject('packsync.local/app:v1')),
      found(pkgObject('packsync.local/app')),
      found(pkgObject('quay.io/x/app:v9')),
    ]);
    expect(tags).toEqual(new Map([['app', new Set(['v1', 'latest'])]]));
  });
});

describe('defaultPackageObjects', () => {
  it('makes a Package for every package folder no object refers to', () => {
    const b: BuildResult = {
      built: new Map([
        ['app', built('app', ['Namespaced'])],
        ['tools/op', built('tools/op', ['Cluster', 'Namespaced'])],
      ]),
      failed: new Map(),
    };
    expect(defaultPackageObjects([], b).map((f) => f.object)).toEqual([
      {
        apiVersion: PKO,
        kind: 'Package',
        metadata: { name: 'app', namespace: 'default' },
        spec: { image: 'packsync.local/app:latest' },
      },
      {
        apiVersion: PKO,
        kind: 'ClusterPackage',
        metadata: { name: 'op' },
        spec: { image: 'packsync.local/tools/op:latest' },
      },
    ]);
    expect(defaultPackageObjects([found(pkgObject('packsync.local/app'))], b)).toHaveLength(1);
  });
});
