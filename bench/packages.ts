/**
 * Package pipeline figures: load + validate + render of a 1,000-object package (static YAML, from
 * memory and from a folder), plus the deploy plan. Prints times and peak RSS; decides nothing.
 * Run: npx tsx bench/packages.ts
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRenderCapabilities } from '../src/packages/engines.js';
import {
  buildTemplateContext,
  importFiles,
  importFolder,
  loadPackage,
  planDeployment,
  renderPackage,
  validatePackage,
} from '../src/packages/index.js';

const objects = 1000;
const files: Record<string, string> = {
  'manifest.yaml': `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata: {name: bench}
spec:
  scopes: [Namespaced]
  phases: [{name: config}, {name: deploy}]
`,
};
for (let i = 0; i < objects; i++) {
  files[`objs/group-${Math.floor(i / 50)}/cm-${i}.yaml`] = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-${i}
  labels: {app: bench, index: "${i}"}
  annotations:
    package-operator.run/phase: ${i % 2 ? 'deploy' : 'config'}
data:
  key: "${'v'.repeat(200)}"
`;
}

function time<T>(label: string, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  console.log(`${label.padEnd(40)} ${(performance.now() - t0).toFixed(1)} ms`);
  return out;
}

async function timeAsync<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await fn();
  console.log(`${label.padEnd(40)} ${(performance.now() - t0).toFixed(1)} ms`);
  return out;
}

// The same 1,000 objects from one template (range over config).
const templated: Record<string, string> = {
  'manifest.yaml': files['manifest.yaml'] ?? '',
  'objs.yaml.gotmpl': `{{- range $i := until 1000 }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-{{ $i }}
  labels: {app: bench, index: "{{ $i }}"}
  annotations:
    package-operator.run/phase: {{ if eq (mod $i 2) 1 }}deploy{{ else }}config{{ end }}
data:
  key: {{ repeat 200 "v" | quote }}
{{- end }}
`,
};

const dir = mkdtempSync(join(tmpdir(), 'packsync-bench-'));
try {
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  const ctx = buildTemplateContext({ name: 'bench', namespace: 'ns' });
  for (let round = 1; round <= 3; round++) {
    console.log(`round ${round}`);
    const raw = time('import (memory)', () => importFiles(files));
    const pkg = time('load', () => loadPackage(raw));
    await timeAsync('validate (static files)', () => validatePackage(pkg, {}));
    const inst = time(`render ${objects} objects`, () => renderPackage(pkg, ctx, {}));
    time('deploy plan', () => planDeployment(inst, { name: 'bench', namespace: 'ns' }));
    const fromDisk = await timeAsync('import (folder)', () => importFolder(dir));
    time('load + render (folder)', () => renderPackage(loadPackage(fromDisk), ctx, {}));
    const tpkg = loadPackage(importFiles(templated));
    const caps = defaultRenderCapabilities();
    const tinst = time(`render ${objects} objects (template)`, () =>
      renderPackage(tpkg, ctx, caps),
    );
    if (tinst.objects.length !== objects)
      throw new Error('template bench rendered the wrong count');
  }
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
