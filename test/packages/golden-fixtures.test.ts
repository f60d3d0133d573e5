/**
 * Every golden `.test-fixtures` folder in `../shared/conformance/` is reproduced byte for byte by
 * the template tests (what `validate` runs), except the known-stale ones listed in the
 * conformance README, whose exact mismatch is asserted instead. The fixture store is read-only
 * here: generating a fixture would be a failure.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  diskFixtureStore,
  importFolder,
  loadPackage,
  validatePackage,
  type FixtureStore,
} from '../../src/packages/index.js';
import { defaultRenderCapabilities } from '../../src/packages/engines.js';

const conformance = resolve(import.meta.dirname, '../../../shared/conformance');

const readOnly: FixtureStore = {
  list: (dir) => diskFixtureStore.list(dir),
  read: (path) => diskFixtureStore.read(path),
  write: (dir) =>
    Promise.reject(new Error(`fixture folder ${dir} is missing (would be generated)`)),
};

async function validateFolder(rel: string) {
  const folder = join(conformance, rel);
  const pkg = loadPackage(await importFolder(folder));
  return validatePackage(pkg, defaultRenderCapabilities(), {
    fixtures: { folder, store: readOnly },
  });
}

const matching = [
  'pko-examples/4_conditionals/1_start',
  'pko-repo/cmd/kubectl-package/buildcmd/testdata',
  'pko-repo/cmd/kubectl-package/validatecmd/testdata',
  'pko-repo/cmd/kubectl-package/updatecmd/testdata/up-to-date',
  'pko-repo/cmd/kubectl-package/updatecmd/testdata/successfully-updated',
  'pko-repo/config/packages/test-stub',
  'pko-repo/config/packages/test-stub-cel',
  'pko-repo/config/packages/test-stub-multi',
  'pko-repo/integration/kubectl-package/testdata/packages/valid/with_config',
  'pko-repo/integration/kubectl-package/testdata/packages/valid/with_config_multi',
  'pko-repo/integration/kubectl-package/testdata/packages/valid/with_config_no_tests_no_required_properties_multi',
  'pko-repo/integration/kubectl-package/testdata/packages/valid/without_config',
  'pko-repo/integration/kubectl-package/testdata/packages/valid/without_config_multi',
];

describe('golden .test-fixtures', () => {
  for (const rel of matching) {
    it(`${rel} matches its fixtures`, async () => {
      expect(
        existsSync(join(conformance, rel, '.test-fixtures')) ||
          existsSync(join(conformance, rel, 'components')),
      ).toBe(true);
      const report = await validateFolder(rel);
      const ran = report.testCases.flatMap((t) => t.results);
      expect(ran.length).toBeGreaterThan(0);
      expect(ran.every((r) => !r.generated)).toBe(true);
    });
  }

  it('pko-examples/1_applications/2_templates: the stale fixture gives the README diff', async () => {
    await expect(validateFolder('pko-examples/1_applications/2_templates')).rejects.toThrow(
      [
        'File mismatch against fixture in deployment.yaml: Testcase "namespace-scope"',
        '--- FIXTURE/deployment.yaml',
        '+++ ACTUAL/deployment.yaml',
        '@@ -21,6 +21,8 @@',
        '     spec:',
        '       containers:',
        '         - name: nginx',
        '-          image: nginx:latest',
        '+          # manifest.yaml defaults the image to "nginx:latest",',
        '+          # can be overridden in Package spec.',
        '+          image: "nginx:latest"',
        '           ports:',
        '             - containerPort: 80',
      ].join('\n'),
    );
  });

  it('treecmd/testdata: stale fixtures are reported', async () => {
    await expect(validateFolder('pko-repo/cmd/kubectl-package/treecmd/testdata')).rejects.toThrow(
      /File mismatch against fixture in deployment\.yaml: Testcase "namespace-scope"/,
    );
  });

  it('invalid/multi_broken_component: the component error names the component', async () => {
    await expect(
      validateFolder(
        'pko-repo/integration/kubectl-package/testdata/packages/invalid/multi_broken_component',
      ),
    ).rejects.toThrow(
      /^component "backend": Phase name not found in manifest in deployment\.yaml idx 0$/,
    );
  });
});
