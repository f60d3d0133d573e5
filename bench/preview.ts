// Benchmark of `preview` and `diff`: a desired-state repository with 100 Packages x 20 objects
// (10 ConfigMaps, 5 Services, 5 Deployments each) where 5 Packages change between two branches
// (3 by config, 2 by an image bump). Images come from Debian's docker-registry on loopback.
//  - preview, cold (first pulls) and warm (images cached for the run), time and peak RSS;
//  - diff of the head against the embedded server after the revision engine rolled out the base,
//    and diff of the base (no changes), time.
// Run: npx tsx bench/preview.ts [packages]   (prints figures; decides nothing)
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageScopes } from '../src/controllers/package/scope.js';
import { setupPackage } from '../src/controllers/package/setup.js';
import {
  diffRepository,
  formatMarkdown,
  previewRefs,
  pullCache,
  readRefTree,
  type Report,
} from '../src/diff/index.js';
import type { KubeObject } from '../src/kube/index.js';
import { buildPackageImage, RegistryClient } from '../src/oci/index.js';
import { loadDesiredState } from '../src/packages/index.js';
import { defaultRenderCapabilities } from '../src/packages/engines.js';
import { gitRepo, namespaceYaml, packageYaml } from '../test/diff/helpers.js';
import { PKO, startRevisionEnv, waitForCondition } from '../test/integration/revision-helpers.js';
import { startRegistry } from '../test/oci/registry-helper.js';

const N = Number(process.argv[2] ?? 100);
const ns = 'bench';

function bulkPackage(containerImage: string): Map<string, Uint8Array> {
  const docs: string[] = [];
  const name = '{{ .package.metadata.name }}';
  for (let i = 0; i < 10; i++) {
    docs.push(
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-cm-${i}\n  annotations:\n    package-operator.run/phase: config\ndata:\n  greeting: {{ .config.greeting | quote }}\n  index: "${i}"\n`,
    );
  }
  for (let i = 0; i < 5; i++) {
    docs.push(
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}-svc-${i}\n  annotations:\n    package-operator.run/phase: deploy\nspec:\n  selector:\n    app: ${name}-${i}\n  ports:\n    - port: 80\n      targetPort: 8080\n`,
    );
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}-${i}\n  annotations:\n    package-operator.run/phase: deploy\nspec:\n  replicas: {{ .config.replicas }}\n  selector:\n    matchLabels:\n      app: ${name}-${i}\n  template:\n    metadata:\n      labels:\n        app: ${name}-${i}\n    spec:\n      containers:\n        - name: app\n          image: ${containerImage}\n`,
    );
  }
  const manifest = `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata:
  name: bulk
spec:
  scopes: [Namespaced]
  phases:
    - name: config
    - name: deploy
  availabilityProbes:
    - selector:
        kind:
          group: apps
          kind: Deployment
      probes:
        - condition:
            type: Available
            status: "True"
  config:
    openAPIV3Schema:
      type: object
      properties:
        replicas: {type: integer, default: 1}
        greeting: {type: string, default: hello}
`;
  const enc = new TextEncoder();
  return new Map([
    ['manifest.yaml', enc.encode(manifest)],
    ['objects.yaml.gotmpl', enc.encode(docs.join('---\n'))],
  ]);
}

function repository(images: { v1: string; v2: string }, head: boolean): Record<string, string> {
  const pkgs: string[] = [];
  for (let i = 0; i < N; i++) {
    const bumped = head && i >= 3 && i < 5;
    const reconfigured = head && i < 3;
    pkgs.push(
      packageYaml(ns, `p-${i}`, bumped ? images.v2 : images.v1, {
        replicas: 1,
        greeting: reconfigured ? 'changed' : 'hi',
      }),
    );
  }
  return { 'namespaces.yaml': namespaceYaml(ns), 'packages.yaml': pkgs.join('---\n') };
}

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 10);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  peak = process.memoryUsage().rss;
  const before = peak;
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms   RSS ${mb(before)} -> peak ${mb(peak)}`,
  );
  return out;
}

function describe(r: Report): string {
  const c = r.counts;
  return `${c.create} create, ${c.change} change, ${c.delete} delete, ${c.unchanged} unchanged, ${c.errors} errors`;
}

const registry = await startRegistry();
const client = new RegistryClient({ insecure: true });
const images = { v1: `${registry.host}/bench/bulk:v1`, v2: `${registry.host}/bench/bulk:v2` };
await client.pushImage(images.v1, await buildPackageImage(bulkPackage('nginx:1.25')));
await client.pushImage(images.v2, await buildPackageImage(bulkPackage('nginx:1.26')));
const repo = await gitRepo(repository(images, false), {
  head: { path: 'fleet', files: repository(images, true) },
});
console.log(`${N} Packages x 20 objects, 5 Packages change (3 config, 2 image bump)\n`);

const sync = { name: 'bench', namespace: '', config: {} };
const pulls = pullCache({ insecure: true });
const request = { repo, base: 'main', head: 'head', path: 'fleet', sync, pull: pulls.pull };
const cold = await timed('preview, cold (pulls both images)', () => previewRefs(request));
console.log(`  ${describe(cold)}`);
const warm = await timed('preview, warm (images cached for the run)', () => previewRefs(request));
const md = await timed('  markdown of it (65,536 bytes max)', () =>
  Promise.resolve(formatMarkdown(warm, { maxBytes: 65536 })),
);
console.log(`  ${describe(warm)}; markdown ${Buffer.byteLength(md)} bytes`);

// diff: roll out the base with the revision engine, then compare.
const env = await startRevisionEnv({
  extra: packageScopes.map((scope) => setupPackage(scope)),
});
const base = await readRefTree(repo, 'main', 'fleet');
const head = await readRefTree(repo, 'head', 'fleet');
await timed('setup: roll out the base (revision engine)', async () => {
  const { plan } = loadDesiredState(
    { files: base.files, name: 'bench', namespace: '' },
    defaultRenderCapabilities(),
  );
  for (const slice of plan.slices) await env.client.create(slice as unknown as KubeObject);
  await env.client.create(plan.objectDeployment);
  const ref = { apiVersion: PKO, kind: 'ClusterObjectDeployment', name: 'bench' };
  await waitForCondition(env.client, ref, 'Available', 'True', undefined, 600_000);
});
const diffPulls = pullCache({ insecure: true });
const noChange = await timed('diff of the base (no changes), cold pulls', () =>
  diffRepository({ files: base.files, sync, client: env.client, pull: diffPulls.pull }),
);
console.log(`  ${describe(noChange)}`);
const changed = await timed('diff of the head (5 Packages change)', () =>
  diffRepository({ files: head.files, sync, client: env.client, pull: diffPulls.pull }),
);
console.log(`  ${describe(changed)}`);
writeFileSync(join(repo, 'diff.md'), formatMarkdown(changed));

clearInterval(sampler);
await env.stop();
await registry.stop();
rmSync(repo, { recursive: true, force: true });
