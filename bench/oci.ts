// OCI benchmark: build + push and pull + unpack of a ~5 MB package against a local Debian
// docker-registry. Run with `npx tsx bench/oci.ts`. Prints figures; decides nothing.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { buildPackageImage, readPackageImage, RegistryClient } from '../src/oci/index.js';
import { missingTools, startRegistry } from '../test/oci/registry-helper.js';

const missing = await missingTools(['docker-registry']);
if (missing.length > 0) {
  process.stderr.write(`bench/oci.ts needs: ${missing.join(', ')}\n`);
  process.exit(0);
}

/** ~5 MB of YAML-like text: 500 files of ~10 KB, with enough entropy to compress like real YAML. */
function makePackage(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  files.set(
    'manifest.yaml',
    Buffer.from('apiVersion: manifests.package-operator.run/v1alpha1\nkind: PackageManifest\n'),
  );
  for (let i = 0; i < 500; i += 1) {
    let text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n`;
    while (text.length < 10_000)
      text += `  key-${text.length}: ${randomBytes(24).toString('base64')}\n`;
    files.set(`deploy/group-${i % 20}/cm-${i}.yaml`, Buffer.from(text));
  }
  return files;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

const ms = (x: number): string => `${x.toFixed(1)} ms`;
let peakRss = 0;
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const sampler = setInterval(sample, 5);

const registry = await startRegistry();
try {
  const files = makePackage();
  const raw = [...files.values()].reduce((n, f) => n + f.byteLength, 0);

  const buildTimes: number[] = [];
  let image = await buildPackageImage(files);
  for (let i = 0; i < 5; i += 1) {
    const t = performance.now();
    image = await buildPackageImage(files);
    buildTimes.push(performance.now() - t);
  }
  const layer = image.layers[0]?.byteLength ?? 0;

  const pushTimes: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const client = new RegistryClient({ insecure: true });
    const t = performance.now();
    await client.pushImage(`${registry.host}/bench/pkg-${i}:v1`, image);
    pushTimes.push(performance.now() - t);
  }

  const pullTimes: number[] = [];
  const unpackTimes: number[] = [];
  for (let i = 0; i < 7; i += 1) {
    const client = new RegistryClient({ insecure: true });
    const t = performance.now();
    const pulled = await client.pullImage(`${registry.host}/bench/pkg-0:v1`);
    pullTimes.push(performance.now() - t);
    if (pulled.files.size !== files.size) throw new Error('pulled package differs');
    const u = performance.now();
    await readPackageImage(image);
    unpackTimes.push(performance.now() - u);
  }
  sample();

  process.stdout.write(
    [
      `package: ${files.size} files, ${(raw / 1024 / 1024).toFixed(2)} MB raw, layer ${(layer / 1024 / 1024).toFixed(2)} MB gzip`,
      `build (tar + gzip + digests), median of 5:        ${ms(median(buildTimes))}`,
      `push to fresh repo (ping, blobs, manifest), median: ${ms(median(pushTimes))}`,
      `pull + unpack from local registry, median of 7:   ${ms(median(pullTimes))}  (goal < 200 ms)`,
      `unpack only (verify + gunzip + tar), median of 7: ${ms(median(unpackTimes))}`,
      `peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MB`,
      '',
    ].join('\n'),
  );
} finally {
  clearInterval(sampler);
  await registry.stop();
}
