import { describe, expect, it } from 'vitest';
import { importFiles } from './import.js';
import { loadPackage } from './load.js';
import { decodeManifestLock } from './manifest.js';
import {
  encodeManifestLock,
  generateLock,
  lockImagesEqual,
  verifyLockDigests,
} from './lockfile.js';

const digestA = `sha256:${'a'.repeat(64)}`;
const digestB = `sha256:${'b'.repeat(64)}`;

const manifest = (images: string) => `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata: {name: lock-test}
spec:
  scopes: [Namespaced]
  phases: [{name: deploy}]
${images}`;

function pkgOf(files: Record<string, string>) {
  return loadPackage(
    importFiles(new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)]))),
    { skipLockConsistency: true },
  );
}

const twoImages =
  '  images:\n  - {name: web, image: "nginx:1.23"}\n  - {name: base, image: "quay.io/x/base:9"}\n';

describe('generateLock', () => {
  it('resolves every image, keeping the image as written and looking up the rewritten one', async () => {
    const asked: string[] = [];
    const { lock, unchanged } = await generateLock(
      pkgOf({ 'manifest.yaml': manifest(twoImages) }),
      (image) => {
        asked.push(image);
        return Promise.resolve(image.includes('nginx') ? digestA : digestB);
      },
      { rewriteImage: (i) => `mirror/${i}`, now: new Date('2024-05-06T07:08:09.123Z') },
    );
    expect(asked).toEqual(['mirror/nginx:1.23', 'mirror/quay.io/x/base:9']);
    expect(unchanged).toBe(false);
    expect(lock.spec.images).toEqual([
      { name: 'web', image: 'nginx:1.23', digest: digestA },
      { name: 'base', image: 'quay.io/x/base:9', digest: digestB },
    ]);
    expect(lock.metadata).toEqual({ creationTimestamp: '2024-05-06T07:08:09Z' });
  });

  it('is unchanged when the current lock pins the same digests, in any order', async () => {
    const lockText = `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifestLock
spec:
  images:
  - {name: base, image: "quay.io/x/base:9", digest: "${digestB}"}
  - {name: web, image: "nginx:1.23", digest: "${digestA}"}
`;
    const pkg = pkgOf({ 'manifest.yaml': manifest(twoImages), 'manifest.lock.yaml': lockText });
    const resolve = (image: string) => Promise.resolve(image.includes('nginx') ? digestA : digestB);
    expect((await generateLock(pkg, resolve)).unchanged).toBe(true);
    const moved = (image: string) => Promise.resolve(image.includes('nginx') ? digestB : digestB);
    expect((await generateLock(pkg, moved)).unchanged).toBe(false);
  });

  it('a package without images and without a lock file still gets one', async () => {
    const result = await generateLock(pkgOf({ 'manifest.yaml': manifest('') }), () =>
      Promise.reject(new Error('not called')),
    );
    expect(result.unchanged).toBe(false);
    expect(result.lock.spec.images).toEqual([]);
  });

  it('names the image whose digest cannot be resolved', async () => {
    await expect(
      generateLock(pkgOf({ 'manifest.yaml': manifest(twoImages) }), () =>
        Promise.reject(new Error('manifest unknown')),
      ),
    ).rejects.toThrow(
      'resolving lock image for "nginx:1.23": resolving image digest: manifest unknown',
    );
  });
});

describe('encodeManifestLock', () => {
  it('writes sorted keys, unindented sequences and a quoted timestamp, and decodes back', () => {
    const lock = {
      apiVersion: 'manifests.package-operator.run/v1alpha1',
      kind: 'PackageManifestLock' as const,
      metadata: { creationTimestamp: '2024-05-06T07:08:09Z' },
      spec: { images: [{ name: 'web', image: 'nginx:1.23', digest: digestA }], dependencies: [] },
    };
    const text = encodeManifestLock(lock);
    expect(text).toBe(`apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifestLock
metadata:
  creationTimestamp: "2024-05-06T07:08:09Z"
spec:
  images:
  - digest: ${digestA}
    image: nginx:1.23
    name: web
`);
    expect(decodeManifestLock('manifest.lock.yaml', Buffer.from(text)).spec).toEqual(lock.spec);
  });
});

describe('lockImagesEqual', () => {
  it('compares by name, image and digest', () => {
    const a = [{ name: 'x', image: 'i', digest: digestA }];
    expect(lockImagesEqual(a, [{ name: 'x', image: 'i', digest: digestA }])).toBe(true);
    expect(lockImagesEqual(a, [{ name: 'x', image: 'j', digest: digestA }])).toBe(false);
    expect(lockImagesEqual(a, [])).toBe(false);
  });
});

describe('verifyLockDigests', () => {
  it('looks up each pinned digest and names the failing image', async () => {
    const lockText = `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifestLock
spec:
  images:
  - {name: web, image: "nginx:1.23", digest: "${digestA}"}
`;
    const pkg = pkgOf({
      'manifest.yaml': manifest('  images: [{name: web, image: "nginx:1.23"}]\n'),
      'manifest.lock.yaml': lockText,
    });
    const seen: string[] = [];
    const pin = (image: string, digest: string) => `${image.split(':')[0] ?? ''}@${digest}`;
    await verifyLockDigests(pkg, (ref) => Promise.resolve(seen.push(ref)), pin);
    expect(seen).toEqual([`nginx@${digestA}`]);
    await expect(
      verifyLockDigests(pkg, () => Promise.reject(new Error('MANIFEST_UNKNOWN')), pin),
    ).rejects.toThrow(`image "web" digest error ("${digestA}"): MANIFEST_UNKNOWN`);
  });
});
