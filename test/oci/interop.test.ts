// Interop with real tools: images we push or write are read by skopeo, and images skopeo or buildah
// write (registry, OCI layout, oci-archive, docker-archive) load in packsync with the same files.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  buildPackageImage,
  readArchive,
  readOciLayout,
  readPackageImage,
  RegistryClient,
  writeArchive,
  writeOciLayout,
} from '../../src/oci/index.js';
import type { FileMap, Image } from '../../src/oci/index.js';
import type { RunningRegistry } from './registry-helper.js';
import { buildah, missingTools, skopeo, startRegistry, warnSkip } from './registry-helper.js';

const missing = await missingTools(['docker-registry', 'skopeo']);
warnSkip('OCI interop tests (skopeo)', missing);
const missingBuildah = missing.length > 0 ? missing : await missingTools(['buildah']);
warnSkip('OCI interop tests (buildah)', missingBuildah);

const pkg: Record<string, string> = {
  'manifest.yaml':
    'apiVersion: manifests.package-operator.run/v1alpha1\nkind: PackageManifest\nmetadata:\n  name: interop\n',
  'deploy/deployment.yaml.gotmpl':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{.package.metadata.name}}\n',
  'a/very/deeply/nested/folder/structure/that/makes/the/path/longer/than/one/hundred/bytes/for/ustar/file.yaml':
    'long: path\n',
};

const asText = (files: FileMap): Record<string, string> =>
  Object.fromEntries([...files].map(([k, v]) => [k, Buffer.from(v).toString('utf8')]));

interface SkopeoInspect {
  Digest: string;
  Labels: Record<string, string> | null;
  Architecture: string;
  Os: string;
}

describe.skipIf(missing.length > 0)('OCI interop with skopeo', () => {
  let registry: RunningRegistry;
  let work: string;
  let image: Image;
  const client = new RegistryClient({ insecure: true });

  beforeAll(async () => {
    registry = await startRegistry();
    work = mkdtempSync(join(tmpdir(), 'packsync-interop-'));
    image = await buildPackageImage(pkg, { labels: { 'org.example/pkg': 'interop' } });
  });
  afterAll(async () => {
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('skopeo inspects and copies an image we pushed, with our digest', async () => {
    const ref = `${registry.host}/interop/pushed:v1`;
    await client.pushImage(ref, image);
    const info = JSON.parse(
      await skopeo(['inspect', '--tls-verify=false', `docker://${ref}`]),
    ) as SkopeoInspect;
    expect(info.Digest).toBe(image.digest);
    expect(info.Labels).toEqual({ 'org.example/pkg': 'interop' });
    expect([info.Os, info.Architecture]).toEqual(['linux', 'amd64']);
    // skopeo copies to an OCI layout without changing the manifest: packsync reads it back.
    const layout = join(work, 'copied-layout');
    await skopeo(['copy', '--src-tls-verify=false', `docker://${ref}`, `oci:${layout}:v1`]);
    const back = await readOciLayout(layout, { tag: 'v1' });
    expect(back.digest).toBe(image.digest);
    expect(asText(await readPackageImage(back))).toEqual(pkg);
  });

  it('an OCI layout we wrote, copied by skopeo to the registry, pulls back identical', async () => {
    const layout = join(work, 'our-layout');
    await writeOciLayout(layout, [{ image, tags: ['v1'] }]);
    const ref = `${registry.host}/interop/from-layout:v1`;
    await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${ref}`]);
    const pulled = await client.pullImage(ref);
    expect(pulled.digest).toBe(image.digest);
    expect(asText(pulled.files)).toEqual(pkg);
  });

  it('our archives (docker-archive, oci-archive) are read by skopeo with the same content', async () => {
    const docker = await buildPackageImage(pkg, { format: 'docker' });
    const dockerTar = join(work, 'ours.docker.tar');
    await writeArchive(dockerTar, [
      { image: docker, tags: ['example.com/interop/pkg:v1', 'example.com/interop/pkg:v2'] },
    ]);
    const ref = `${registry.host}/interop/from-docker-archive:v1`;
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      `docker-archive:${dockerTar}:example.com/interop/pkg:v2`,
      `docker://${ref}`,
    ]);
    expect(asText((await client.pullImage(ref)).files)).toEqual(pkg);

    const ociTar = join(work, 'ours.oci.tar');
    await writeArchive(ociTar, [{ image, tags: ['v1'] }], 'oci');
    const ref2 = `${registry.host}/interop/from-oci-archive:v1`;
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      `oci-archive:${ociTar}:v1`,
      `docker://${ref2}`,
    ]);
    const pulled = await client.pullImage(ref2);
    expect(pulled.digest).toBe(image.digest);
  });

  it('loads an OCI layout, an oci-archive and a docker-archive written by skopeo', async () => {
    const ref = `${registry.host}/interop/source:v1`;
    await client.pushImage(ref, image);
    const layout = join(work, 'skopeo-layout');
    const ociTar = join(work, 'skopeo.oci.tar');
    const dockerTar = join(work, 'skopeo.docker.tar');
    await skopeo(['copy', '--src-tls-verify=false', `docker://${ref}`, `oci:${layout}:v1`]);
    await skopeo(['copy', '--src-tls-verify=false', `docker://${ref}`, `oci-archive:${ociTar}:v1`]);
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${ref}`,
      `docker-archive:${dockerTar}:interop/source:v1`,
    ]);
    expect(asText(await readPackageImage(await readOciLayout(layout)))).toEqual(pkg);
    expect(asText(await readPackageImage(await readArchive(ociTar, { tag: 'v1' })))).toEqual(pkg);
    const fromDocker = await readArchive(dockerTar, { tag: 'interop/source:v1' });
    expect(asText(await readPackageImage(fromDocker))).toEqual(pkg);
  });

  describe.skipIf(missingBuildah.length > 0)('with buildah', () => {
    it('an image buildah built from a folder loads with the same files (registry and oci-archive)', async () => {
      const root = join(work, 'buildah');
      const src = join(work, 'buildah-src', 'package');
      for (const [p, content] of Object.entries(pkg)) {
        mkdirSync(dirname(join(src, p)), { recursive: true });
        writeFileSync(join(src, p), content);
      }
      mkdirSync(join(src, '.test-fixtures'), { recursive: true });
      writeFileSync(join(src, '.test-fixtures', 'ignored.yaml'), 'x');
      const ctr = await buildah(root, ['from', 'scratch']);
      await buildah(root, ['copy', ctr, src, '/package']);
      await buildah(root, ['config', '--label', 'org.example=buildah', ctr]);
      await buildah(root, ['commit', '-q', '--format', 'oci', ctr, 'localhost/interop/buildah:v1']);
      const ref = `${registry.host}/interop/buildah:v1`;
      await buildah(root, [
        'push',
        '-q',
        '--tls-verify=false',
        'localhost/interop/buildah:v1',
        `docker://${ref}`,
      ]);
      const archive = join(work, 'buildah.oci.tar');
      await buildah(root, [
        'push',
        '-q',
        'localhost/interop/buildah:v1',
        `oci-archive:${archive}:v1`,
      ]);

      const pulled = await client.pullImage(ref);
      expect(asText(pulled.files)).toEqual(pkg);
      expect(asText(await readPackageImage(await readArchive(archive)))).toEqual(pkg);
      const config = JSON.parse(Buffer.from(pulled.image.config).toString('utf8')) as {
        config: { Labels: Record<string, string> };
      };
      expect(config.config.Labels['org.example']).toBe('buildah');
      expect(readFileSync(archive).byteLength).toBeGreaterThan(0);
    });
  });
});
