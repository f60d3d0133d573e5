import { describe, expect, it } from 'vitest';
import { defaultRenderCapabilities } from '../../packages/engines.js';
import { importFiles, loadDesiredState } from '../../packages/index.js';
import {
  annotationsForCommit,
  commitSubject,
  deploymentUpToDate,
  desiredDeployment,
  maxMessageLength,
} from './desired.js';
import { packageImages } from './images.js';

const commit = {
  sha: 'abcdef0123456789abcdef0123456789abcdef01',
  message: 'apps: scale the shop to 3\n\nLonger body that never reaches annotations.',
  author: { name: 'Ada', email: 'ada@example.com', timestamp: 0 },
};
const owner = {
  apiVersion: 'packsync.dev/v1alpha1',
  kind: 'ClusterGitSync',
  name: 'prod',
  uid: 'u1',
};

function plan(files: Record<string, string>) {
  return loadDesiredState(
    { files: importFiles(files).files, name: 'prod', namespace: '' },
    defaultRenderCapabilities(),
  ).plan;
}

const pkgYaml = (name: string, image: string) => `apiVersion: package-operator.run/v1alpha1
kind: Package
metadata: {name: ${name}, namespace: shop}
spec: {image: ${image}}
`;

describe('commit annotations', () => {
  it('carry the sha, the first line of the message, the author and a change cause', () => {
    expect(annotationsForCommit(commit)).toEqual({
      'packsync.dev/commit': commit.sha,
      'packsync.dev/commit-message': 'apps: scale the shop to 3',
      'packsync.dev/commit-author': 'Ada <ada@example.com>',
      'kubernetes.io/change-cause': 'commit abcdef0: apps: scale the shop to 3',
    });
  });

  it('truncate long subjects', () => {
    const s = commitSubject('x'.repeat(500));
    expect(s).toHaveLength(maxMessageLength);
    expect(s.endsWith('…')).toBe(true);
  });
});

describe('desiredDeployment', () => {
  it('owns the OD, keeps the history limit and detects an unchanged desired state', () => {
    const p = plan({ 'web.yaml': pkgYaml('web', 'reg.local/app:v1') });
    const od = desiredDeployment(p, owner, { commit, revisionHistoryLimit: 3 });
    expect(od.metadata.ownerReferences).toEqual([
      { ...owner, controller: true, blockOwnerDeletion: true },
    ]);
    expect(od.metadata.labels).toMatchObject({ 'packsync.dev/git-sync': 'prod' });
    expect((od.spec as { revisionHistoryLimit: number }).revisionHistoryLimit).toBe(3);

    const live = { ...od, metadata: { ...od.metadata, resourceVersion: '7', generation: 1 } };
    expect(
      deploymentUpToDate(live, desiredDeployment(p, owner, { commit, revisionHistoryLimit: 3 })),
    ).toBe(true);
    const next = desiredDeployment(
      plan({ 'web.yaml': pkgYaml('web', 'reg.local/app:v2') }),
      owner,
      {
        commit,
        revisionHistoryLimit: 3,
      },
    );
    expect(deploymentUpToDate(live, next)).toBe(false);
    const otherCommit = desiredDeployment(p, owner, {
      commit: { ...commit, sha: 'f'.repeat(40) },
      revisionHistoryLimit: 3,
    });
    expect(deploymentUpToDate(live, otherCommit)).toBe(false);
  });
});

describe('packageImages', () => {
  it('lists the image of every Package and ClusterPackage with the object using it', () => {
    const p = plan({
      'a.yaml': pkgYaml('web', 'reg.local/app:v1'),
      'b.yaml': `apiVersion: package-operator.run/v1alpha1
kind: ClusterPackage
metadata: {name: operator}
spec: {image: reg.local/operator:v1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c, namespace: shop}
`,
    });
    expect(packageImages(p, '')).toEqual([
      { object: 'Package shop/web', image: 'reg.local/app:v1' },
      { object: 'ClusterPackage operator', image: 'reg.local/operator:v1' },
    ]);
  });
});
