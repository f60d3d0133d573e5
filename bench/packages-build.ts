/**
 * `packsync build` figures: a 1,000-object package folder built into its image and pushed to a
 * local Debian `docker-registry` (plain HTTP on 127.0.0.1), through the CLI entry point; then a
 * second push of the same build (blobs already present) and `update` of a lock file. Prints times
 * and peak RSS; decides nothing. Needs docker-registry on PATH.
 * Run: npx tsx bench/packages-build.ts
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';
import { startRegistry } from '../test/oci/registry-helper.js';

const objects = 1000;
const dir = mkdtempSync(join(tmpdir(), 'packsync-bench-build-'));
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};
write(
  'manifest.yaml',
  `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata: {name: bench}
spec:
  scopes: [Namespaced]
  phases: [{name: config}, {name: deploy}]
`,
);
for (let i = 0; i < objects; i++) {
  write(
    `objs/group-${Math.floor(i / 50)}/cm-${i}.yaml`,
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-${i}
  labels: {app: bench, index: "${i}"}
  annotations:
    package-operator.run/phase: ${i % 2 ? 'deploy' : 'config'}
data:
  key: "${'v'.repeat(200)}"
`,
  );
}

async function cli(args: string[]): Promise<string> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(['node', 'packsync', ...args], { stdout, stderr });
  if (code !== 0) throw new Error(`packsync ${args.join(' ')}: ${Buffer.concat(err).toString()}`);
  return Buffer.concat(out).toString();
}

async function timed(label: string, fn: () => Promise<string>): Promise<string> {
  const t0 = performance.now();
  const out = await fn();
  console.log(`${label.padEnd(44)} ${(performance.now() - t0).toFixed(1)} ms`);
  return out;
}

const registry = await startRegistry();
try {
  const tag = `${registry.host}/bench/pkg:v1`;
  const digestArgs = ['--output-format', 'digest', dir];
  await timed(`build (validate + image), ${objects} objects`, () => cli(['build', ...digestArgs]));
  await timed('build again (warm)', () => cli(['build', ...digestArgs]));
  const digest = await timed('build + push (new blobs)', () =>
    cli(['build', '--push', '--insecure', '-t', tag, ...digestArgs]),
  );
  await timed('build + push (blobs present)', () =>
    cli(['build', '--push', '--insecure', '-t', tag, ...digestArgs]),
  );
  await timed('build -o archive.tar', () =>
    cli(['build', '-o', join(dir, '..', 'bench-archive.tar'), '-t', tag, dir]),
  );
  console.log(`image digest ${digest.trim()}`);

  write(
    'manifest.yaml',
    `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata: {name: bench}
spec:
  scopes: [Namespaced]
  phases: [{name: config}, {name: deploy}]
  images: [{name: self, image: "${tag}"}]
`,
  );
  await timed('update (1 image resolved)', () => cli(['update', '--insecure', dir]));
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  await registry.stop();
  rmSync(join(dir, '..', 'bench-archive.tar'), { force: true });
  rmSync(dir, { recursive: true, force: true });
}
