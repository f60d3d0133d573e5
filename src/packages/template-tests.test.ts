import {
  mkdtempSync,
  readFileSync,
  rmSync,
  existsSync,
  mkdirSync,
  writeFileSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { celEvaluator as cel } from './engines.js';
import { diskFixtureStore } from './fixture-store.js';
import { importFiles } from './import.js';
import { loadPackage } from './load.js';
import { renderTestCase, runTemplateTests, validatePackage } from './template-tests.js';

const tmp = mkdtempSync(join(tmpdir(), 'packsync-fixtures-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const manifest = `apiVersion: manifests.package-operator.run/v1alpha1
kind: PackageManifest
metadata:
  name: pkg
spec:
  scopes: [Namespaced]
  phases: [{name: deploy}]
  filter:
    conditions: [{name: never, expression: "false"}]
    paths: [{glob: "excluded*.yaml", expression: cond.never}]
test:
  template:
  - name: t1
    context:
      package: {metadata: {name: a, namespace: b}}
`;

const cm = (name: string, cond?: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations:\n    package-operator.run/phase: deploy\n${cond ? `    package-operator.run/condition: '${cond}'\n` : ''}`;

const files = {
  'manifest.yaml': manifest,
  'keep.yaml': `# comment kept\n${cm('kk')}`,
  'no-newline.yaml': cm('nn').trimEnd(),
  'partial.yaml': `\n---\n${cm('xx', 'false')}---\n${cm('yy')}---\n${cm('zz', 'false')}`,
  'all-gone.yaml': cm('g', 'false'),
  'excluded-by-glob.yaml': cm('e'),
  'empty.yaml': '\n# nothing here\n',
  'README.md': 'hello',
};

describe('renderTestCase', () => {
  it('produces raw bytes, re-joins partially filtered files and omits removed or empty ones', () => {
    const pkg = loadPackage(importFiles(files));
    const tc = pkg.manifest.test.template[0];
    if (!tc) throw new Error('no test case');
    const out = renderTestCase(pkg, tc, { cel });
    const text = (p: string) => new TextDecoder().decode(out.fixtureFiles.get(p));
    expect([...out.fixtureFiles.keys()].sort()).toEqual([
      'keep.yaml',
      'no-newline.yaml',
      'partial.yaml',
    ]);
    expect(text('keep.yaml')).toBe(files['keep.yaml']);
    expect(text('no-newline.yaml')).toBe(files['no-newline.yaml']);
    expect(text('partial.yaml')).toBe(`${cm('yy').trim()}\n`);
  });
});

describe('runTemplateTests against a fixture folder', () => {
  const pkgDir = join(tmp, 'pkg');
  const pkg = loadPackage(importFiles(files));

  it('writes .test-fixtures/<case>/ on the first run, then passes byte for byte', async () => {
    const first = await runTemplateTests(pkg, pkgDir, diskFixtureStore, { cel });
    expect(first).toEqual([{ testCase: 't1', generated: true }]);
    expect(readFileSync(join(pkgDir, '.test-fixtures/t1/no-newline.yaml'), 'utf8')).toBe(
      files['no-newline.yaml'],
    );
    expect(existsSync(join(pkgDir, '.test-fixtures/t1/all-gone.yaml'))).toBe(false);
    expect(existsSync(join(pkgDir, '.test-fixtures/t1/excluded-by-glob.yaml'))).toBe(false);
    const second = await runTemplateTests(pkg, pkgDir, diskFixtureStore, { cel });
    expect(second).toEqual([{ testCase: 't1', generated: false }]);
  });

  it('reports a changed file with a unified diff', async () => {
    const fixture = join(pkgDir, '.test-fixtures/t1/keep.yaml');
    writeFileSync(fixture, files['keep.yaml'].replace('name: kk', 'name: old'));
    const err = await runTemplateTests(pkg, pkgDir, diskFixtureStore, { cel }).catch(
      (e: unknown) => e as Error,
    );
    writeFileSync(fixture, files['keep.yaml']);
    expect((err as Error).message).toBe(
      'File mismatch against fixture in keep.yaml: Testcase "t1"\n--- FIXTURE/keep.yaml\n+++ ACTUAL/keep.yaml\n@@ -2,6 +2,6 @@\n apiVersion: v1\n kind: ConfigMap\n metadata:\n-  name: old\n+  name: kk\n   annotations:\n     package-operator.run/phase: deploy',
    );
  });

  it('reports extra and missing fixture files', async () => {
    const dir = join(pkgDir, '.test-fixtures/t1');
    writeFileSync(join(dir, 'stray.yaml'), 'x: 1\n');
    rmSync(join(dir, 'partial.yaml'));
    const err = await runTemplateTests(pkg, pkgDir, diskFixtureStore, { cel }).catch(
      (e: unknown) => e as Error,
    );
    expect((err as Error).message).toBe(
      `file stray.yaml should not exist, filtered or empty after template render\nfile ${dir}/partial.yaml not found in fixtures folder`,
    );
  });

  it('follows symbolic links when listing a fixture folder', async () => {
    const dir = join(tmp, 'linked');
    mkdirSync(join(dir, '.test-fixtures'), { recursive: true });
    const real = join(tmp, 'real-fixtures');
    mkdirSync(real);
    symlinkSync(real, join(dir, '.test-fixtures/t1'));
    writeFileSync(join(real, 'stray.yaml'), 'x: 1\n');
    await expect(runTemplateTests(pkg, dir, diskFixtureStore, { cel })).rejects.toThrow(
      'file stray.yaml should not exist',
    );
  });
});

describe('validatePackage', () => {
  it('checks static files of a package without test cases', async () => {
    const pkg = loadPackage(
      importFiles({
        'manifest.yaml': manifest.replace(/test:[\s\S]*$/, ''),
        'a.yaml': cm('a').replace('phase: deploy', 'phase: nope'),
      }),
    );
    await expect(validatePackage(pkg, { cel })).rejects.toThrow(
      'Phase name not found in manifest in a.yaml idx 0',
    );
  });

  it('prefixes errors of a component with its name', async () => {
    const comp = (phase: string) =>
      manifest.replace('name: pkg', 'name: c').replace('[{name: deploy}]', `[{name: ${phase}}]`);
    const pkg = loadPackage(
      importFiles({
        'manifest.yaml': manifest.replace('spec:\n', 'spec:\n  components: {}\n'),
        'components/backend/manifest.yaml': comp('other'),
        'components/backend/deployment.yaml': cm('d'),
      }),
    );
    await expect(validatePackage(pkg, { cel })).rejects.toThrow(
      'component "backend": Phase name not found in manifest in deployment.yaml idx 0',
    );
  });
});
