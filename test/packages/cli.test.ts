/**
 * The package verbs end to end through `main()`: `render` output, `tree --component`, and
 * `validate` generating `.test-fixtures` that equal Package Operator's golden ones byte for byte.
 */
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-capture.js';
import { parseAllDocuments } from 'yaml';

const conformance = resolve(import.meta.dirname, '../../../shared/conformance');
const pkgs = join(conformance, 'pko-repo/integration/kubectl-package/testdata/packages');
const scratch = mkdtempSync(join(tmpdir(), 'packsync-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function writableCopy(src: string, name: string, skipFixtures: boolean): string {
  const dst = join(scratch, name);
  cpSync(src, dst, {
    recursive: true,
    filter: (p) => !(skipFixtures && p.split('/').includes('.test-fixtures')),
  });
  const fix = (d: string) => {
    chmodSync(d, 0o755);
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) fix(p);
      else chmodSync(p, 0o644);
    }
  };
  fix(dst);
  return dst;
}

describe('packsync render', () => {
  it('prints the objects in deploy order as YAML, labelled, filtered', async () => {
    const r = await runCli(
      'render',
      join(conformance, 'pko-repo/cmd/kubectl-package/validatecmd/testdata'),
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.out).map(
      (d) =>
        d.toJS() as { kind: string; metadata: { name: string; labels: Record<string, string> } },
    );
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ConfigMap/i-should-stay',
      'Deployment/test-stub-test',
    ]);
    expect(docs[0]?.metadata.labels).toMatchObject({
      'package-operator.run/package': 'test-stub',
      'package-operator.run/instance': 'test',
    });
  });

  it('prints a JSON List with -o json and takes the named test case', async () => {
    const r = await runCli(
      'render',
      join(pkgs, 'valid/with_config'),
      '--config-testcase',
      'cluster-scope',
      '-o',
      'json',
    );
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as {
      kind: string;
      items: { kind: string; metadata: { annotations?: Record<string, string> } }[];
    };
    expect(list.kind).toBe('List');
    expect(list.items.map((i) => i.kind)).toEqual(['Namespace', 'Deployment']);
    expect(r.out).toContain('registry.package-operator.run/static-image');
  });

  it('renders with --namespace/--name where the test case sets none, filtering by its config', async () => {
    const pkg = join(conformance, 'pko-examples/4_conditionals/1_start');
    const plain = await runCli('render', pkg);
    expect(plain.code).toBe(1);
    expect(plain.err).toContain('give one with --namespace');
    const names = async (...extra: string[]) => {
      const r = await runCli('render', pkg, '-n', 'demo', '--name', 'web', '-o', 'json', ...extra);
      expect(r.err).toBe('');
      const list = JSON.parse(r.out) as {
        items: { metadata: { name: string; labels: Record<string, string> } }[];
      };
      expect(list.items[0]?.metadata.labels['package-operator.run/instance']).toBe('web');
      return list.items.map((i) => i.metadata.name);
    };
    expect(await names()).toEqual([
      'nginx-deployment',
      'filter-via-annotation',
      'filter-via-template',
      'filter-via-glob',
    ]);
    expect(await names('--config-testcase', 'condition-false')).toEqual(['nginx-deployment']);
  });

  it('rejects an unknown output format', async () => {
    const r = await runCli('render', join(pkgs, 'valid/with_config'), '-o', 'toml');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('toml');
  });
});

describe('packsync tree --component', () => {
  it('renders one component with its own manifest and first test case', async () => {
    const r = await runCli(
      'tree',
      join(pkgs, 'valid/without_config_multi'),
      '--component',
      'backend',
    );
    expect(r.err).toBe('');
    expect(r.out).toMatch(
      /^backend\nPackage test-ns\/test\n└── Phase deploy\n {4}└── apps\/v1, Kind=Deployment /,
    );
  });

  it('names an unknown component', async () => {
    const r = await runCli('tree', join(pkgs, 'valid/without_config_multi'), '--component', 'nope');
    expect(r.code).toBe(1);
    expect(r.err).toBe('Error: Component not found [nope]\n');
  });
});

describe('packsync validate generates fixtures', () => {
  it.each([
    ['pko-repo/integration/kubectl-package/testdata/packages/valid/without_config_multi'],
    ['pko-repo/cmd/kubectl-package/validatecmd/testdata'],
    ['pko-repo/config/packages/test-stub'],
    ['pko-repo/config/packages/test-stub-cel'],
    ['pko-examples/4_conditionals/1_start'],
  ])('%s: a first run writes the golden fixtures byte for byte', async (rel) => {
    const src = join(conformance, rel);
    const dst = writableCopy(src, rel.replaceAll('/', '_'), true);
    const r = await runCli('validate', dst);
    expect(r.err).toBe('');
    expect(r.out).toBe('Package validated successfully!');
    const fixtureDirs = listFiles(src).filter((p) => p.includes('.test-fixtures/'));
    expect(fixtureDirs.length).toBeGreaterThan(0);
    expect(listFiles(dst).filter((p) => p.includes('.test-fixtures/'))).toEqual(fixtureDirs);
    for (const p of fixtureDirs) {
      expect(readFileSync(join(dst, p)), p).toEqual(readFileSync(join(src, p)));
    }
    // The second run compares instead of writing.
    expect((await runCli('validate', dst)).code).toBe(0);
  });

  it('fails with a diff after a template change', async () => {
    const dst = writableCopy(join(pkgs, 'valid/without_config'), 'changed', false);
    const tmpl = join(dst, 'deployment.yaml.gotmpl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(tmpl, readFileSync(tmpl, 'utf8').replace('replicas: 2', 'replicas: 3'));
    const r = await runCli('validate', dst);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'Error: validating package: loading package from files: File mismatch against fixture in deployment.yaml: Testcase "namespace-scope"\n--- FIXTURE/deployment.yaml\n+++ ACTUAL/deployment.yaml\n',
    );
    expect(r.err).toContain('-  replicas: 2\n+  replicas: 3\n');
  });
});
