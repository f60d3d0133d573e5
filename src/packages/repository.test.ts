import { describe, expect, it } from 'vitest';
import {
  addEntry,
  checkVersion,
  encodeRepository,
  newRepository,
  parseRepository,
  removeEntry,
  repositoryEntries,
} from './repository.js';

describe('repository index', () => {
  it('encodes and parses back, versions v-prefixed and highest first', () => {
    const repo = newRepository('my-repo');
    addEntry(repo, {
      name: 'pkg',
      image: 'quay.io/x/pkg',
      digest: 'abc',
      versions: ['1.0.0', 'v1.2.0'],
    });
    addEntry(repo, { name: 'other', image: 'quay.io/x/other', digest: 'def', versions: ['0.1.0'] });
    const text = encodeRepository(repo, new Date('2024-01-02T03:04:05Z'));
    expect(text).toBe(`---
apiVersion: manifests.package-operator.run/v1alpha1
kind: Repository
metadata:
  creationTimestamp: "2024-01-02T03:04:05Z"
  name: my-repo
---
apiVersion: manifests.package-operator.run/v1alpha1
data:
  digest: def
  image: quay.io/x/other
  name: other
  versions:
  - v0.1.0
kind: RepositoryEntry
metadata:
  creationTimestamp: null
  name: other.def
---
apiVersion: manifests.package-operator.run/v1alpha1
data:
  digest: abc
  image: quay.io/x/pkg
  name: pkg
  versions:
  - v1.2.0
  - v1.0.0
kind: RepositoryEntry
metadata:
  creationTimestamp: null
  name: pkg.abc
`);
    const back = parseRepository(text);
    expect(back.name).toBe('my-repo');
    expect(repositoryEntries(back)).toEqual(repositoryEntries(repo));
  });

  it('refuses a version held by another digest and removes entries by digest', () => {
    const repo = newRepository('r');
    addEntry(repo, { name: 'pkg', image: 'i', digest: 'a', versions: ['1.0.0'] });
    expect(() =>
      addEntry(repo, { name: 'pkg', image: 'i', digest: 'b', versions: ['v1.0.0'] }),
    ).toThrow('package "pkg" version v1.0.0 already exists');
    addEntry(repo, { name: 'pkg', image: 'i', digest: 'b', versions: ['2.0.0'] });
    expect(() => removeEntry(repo, 'pkg', 'zzz')).toThrow('not found');
    removeEntry(repo, 'pkg', 'a');
    expect(repositoryEntries(repo).map((e) => e.digest)).toEqual(['b']);
    removeEntry(repo, 'pkg', 'b');
    expect(repo.packages.size).toBe(0);
    removeEntry(repo, 'unknown', 'x');
  });

  it('checks versions with Package Operator wording', () => {
    expect(checkVersion('1.2.3')).toBe('v1.2.3');
    expect(() => checkVersion('@$%')).toThrow("col 1: starts with non-positive integer '@'");
    expect(() => checkVersion('1.x')).toThrow('invalid semantic version');
  });

  it('reads the older entry form without data.name (metadata.name is the package)', () => {
    const repo = parseRepository(`---
apiVersion: manifests.package-operator.run/v1alpha1
kind: Repository
metadata: {name: r}
---
apiVersion: manifests.package-operator.run/v1alpha1
data:
  digest: "12345"
  image: quay.io/xxx
  versions:
  - v1.2.4
  - v1.2.3
kind: RepositoryEntry
metadata:
  creationTimestamp: null
  name: pkg
`);
    expect(repositoryEntries(repo)).toEqual([
      { name: 'pkg', image: 'quay.io/xxx', digest: '12345', versions: ['v1.2.4', 'v1.2.3'] },
    ]);
  });
});
