/**
 * The registry cases of `cli-expectations.yaml` for `validate --pull` (and `tree --pull`): a real
 * Debian `docker-registry` with TLS on 127.0.0.1, seeded as the file's header describes with
 * `valid-package-fixture` (valid/without_config) and `invalid-package-fixture`
 * (invalid/bad_manifest). Skipped loudly when docker-registry or openssl is missing.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-capture.js';
import { conformanceDir, expectInOrder, loadCliCases } from '../helpers/cli-expectations.js';
import { buildPackageImage, RegistryClient } from '../../src/oci/index.js';
import { importFolder } from '../../src/packages/index.js';
import {
  missingTools,
  startRegistry,
  warnSkip,
  type RunningRegistry,
} from '../oci/registry-helper.js';

const packages = join(conformanceDir, 'pko-repo/integration/kubectl-package/testdata/packages');

const cases = loadCliCases(
  (c) => c.command === 'validate' && c.requires.length === 1 && c.requires[0] === 'registry',
);

const missing = await missingTools(['docker-registry', 'openssl']);
warnSkip('conformance registry cases', missing);

describe.skipIf(missing.length > 0)('conformance: validate --pull against a registry', () => {
  let registry: RunningRegistry;

  beforeAll(async () => {
    registry = await startRegistry({ tls: true });
    const client = new RegistryClient({ insecure: true });
    for (const [name, folder] of [
      ['valid-package-fixture', 'valid/without_config'],
      ['invalid-package-fixture', 'invalid/bad_manifest'],
    ] as const) {
      const raw = await importFolder(join(packages, folder));
      await client.pushImage(`${registry.host}/${name}:latest`, await buildPackageImage(raw.files));
    }
  });
  afterAll(async () => registry?.stop());

  it('has the three registry cases', () => {
    expect(cases.map((c) => c.id).sort()).toEqual([
      'validate/pull-invalid-package',
      'validate/pull-nonexistent-image',
      'validate/pull-valid-package',
    ]);
  });

  for (const c of cases) {
    it(c.id, async () => {
      const args = c.args.map((a) => a.replaceAll('{registry}', registry.host));
      const r = await runCli(c.command ?? '', ...args);
      expect(r.code, r.err).toBe(c.exit_code);
      expectInOrder(r.out, c.stdout_lines, c.regex, 'stdout');
      expectInOrder(r.err, c.stderr_lines, c.regex, 'stderr');
    });
  }

  it('tree --pull renders the pulled package like the folder', async () => {
    const fromImage = await runCli(
      'tree',
      '--insecure',
      '--pull',
      `${registry.host}/valid-package-fixture`,
    );
    const fromFolder = await runCli('tree', join(packages, 'valid/without_config'));
    expect(fromImage.err).toBe('');
    expect(fromImage.out).toBe(fromFolder.out);
    expect(fromImage.out).toContain('Package test-ns/test');
  });
});
