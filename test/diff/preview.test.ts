/**
 * `packsync preview` on real Git repositories made with the git CLI, nested packages pulled from a
 * real registry (Debian's docker-registry): the markdown comment, its byte limit, head errors that
 * name the file and field, and an image bump diffed at the object level.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-capture.js';
import { startGitServer } from '../helpers/git-server.js';
import {
  missingTools,
  startRegistry,
  warnSkip,
  type RunningRegistry,
} from '../oci/registry-helper.js';
import {
  configMapYaml,
  gitRepo,
  namespaceYaml,
  packageYaml,
  pushWebapp,
  secretYaml,
  tempDir,
} from './helpers.js';

function prefixed(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [`fleet/${k}`, v]));
}

const missing = await missingTools(['docker-registry', 'git']);
warnSkip('preview', missing);

describe.skipIf(missing.length > 0)('packsync preview', () => {
  let registry: RunningRegistry;
  let images: { v1: string; v2: string };
  const repos: string[] = [];

  beforeAll(async () => {
    registry = await startRegistry();
    images = await pushWebapp(registry.host);
  }, 60_000);
  afterAll(async () => {
    await registry?.stop();
    for (const r of repos) rmSync(r, { recursive: true, force: true });
  });

  function baseFiles(): Record<string, string> {
    return {
      'namespaces.yaml': namespaceYaml('apps'),
      'packages.yaml': [
        packageYaml('apps', 'web', images.v1, { replicas: 1 }),
        packageYaml('apps', 'api', images.v1, { greeting: 'hi' }),
      ].join('---\n'),
      'settings.yaml': configMapYaml('apps', 'fleet-settings', { mode: 'blue' }),
      'secrets.yaml': secretYaml('apps', 'registry-token', { token: 'hunter2' }),
    };
  }

  async function repo(branches: Record<string, Record<string, string>>): Promise<string> {
    const dir = await gitRepo(
      baseFiles(),
      Object.fromEntries(
        Object.entries(branches).map(([b, files]) => [b, { path: 'fleet', files }]),
      ),
    );
    repos.push(dir);
    return dir;
  }

  const preview = (dir: string, head: string, ...extra: string[]) =>
    runCli(
      'preview',
      '--repo',
      dir,
      '--path',
      'fleet',
      '--base',
      'main',
      '--head',
      head,
      '--name',
      'fleet',
      '--insecure',
      ...extra,
    );
  // The registry port is in the files, so commit ids change from run to run; Secret hashes are
  // keyed per process.
  const scrub = (s: string) =>
    s
      .replaceAll(registry.host, 'registry.test')
      .replace(/\(([0-9a-f]{7})\)/g, '(<commit>)')
      .replace(/<hash [0-9a-f]{12}…>/g, '<hash>');

  it('writes a pull-request comment: summary, tree, one diff per changed object, secrets hashed', async () => {
    const dir = await repo({
      feature: {
        'namespaces.yaml': namespaceYaml('apps'),
        'packages.yaml': packageYaml('apps', 'web', images.v1, { replicas: 2 }),
        'secrets.yaml': secretYaml('apps', 'registry-token', { token: 'correct-horse' }),
        'settings.yaml': [
          configMapYaml('apps', 'fleet-settings', { mode: 'green' }),
          configMapYaml('apps', 'feature-flags', { beta: 'on' }),
        ].join('---\n'),
      },
    });
    const res = await preview(dir, 'feature');
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    // Secret values never in clear: neither the repository's nor the nested packages' (s3cret).
    for (const value of ['hunter2', 'correct-horse', 's3cret'])
      expect(res.out).not.toContain(value);
    expect(scrub(res.out)).toMatchInlineSnapshot(`
      "### packsync preview

      \`main (<commit>)\` → \`feature (<commit>)\`

      **1 to create, 4 to change, 5 to delete** · 4 unchanged

      #### Changes

      - phase \`packages\`
        - \`repository\`
          - \`-\` Package \`apps/api\`
          - \`~\` Package \`apps/web\`
        - \`Package apps/web\`
          - \`~\` Deployment \`apps/web\` · phase \`deploy\`
        - \`Package apps/api\` (removed package)
          - \`-\` ConfigMap \`apps/api-settings\` · phase \`config\`
          - \`-\` Secret \`apps/api-credentials\` · phase \`config\`
          - \`-\` Deployment \`apps/api\` · phase \`deploy\`
          - \`-\` Service \`apps/api\` · phase \`deploy\`
      - phase \`default\`
        - \`repository\`
          - \`+\` ConfigMap \`apps/feature-flags\`
          - \`~\` ConfigMap \`apps/fleet-settings\`
          - \`~\` Secret \`apps/registry-token\`

      #### Details

      <details><summary><code>- Package apps/api</code> · phase packages</summary>

      \`\`\`diff
      --- main (<commit>)
      +++ feature (<commit>)
      @@ -1,12 +0,0 @@
      -apiVersion: package-operator.run/v1alpha1
      -kind: Package
      -metadata:
      -  name: api
      -  namespace: apps
      -  labels:
      -    package-operator.run/instance: fleet
      -    package-operator.run/package: fleet
      -spec:
      -  config:
      -    greeting: hi
      -  image: registry.test/packages/webapp:v1
      \`\`\`

      </details>
      <details><summary><code>~ Package apps/web</code> · phase packages</summary>

      \`\`\`diff
      --- main (<commit>)
      +++ feature (<commit>)
      @@ -8,5 +8,5 @@
           package-operator.run/package: fleet
       spec:
         config:
      -    replicas: 1
      +    replicas: 2
         image: registry.test/packages/webapp:v1
      \`\`\`

      </details>
      <details><summary><code>~ Deployment apps/web</code> · phase packages, Package apps/web, phase deploy</summary>

      \`\`\`diff
      --- main (<commit>)
      +++ feature (<commit>)
      @@ -6,7 +6,7 @@
           package-operator.run/instance: web
           package-operator.run/package: webapp
       spec:
      -  replicas: 1
      +  replicas: 2
         selector:
           matchLabels:
             app: web
      \`\`\`

      </details>
      <details><summary><code>- ConfigMap apps/api-settings</code> · phase packages, Package apps/api, phase config</summary>

      \`\`\`diff
      --- main (<commit>)
      +++ feature (<commit>)
      @@ -1,9 +0,0 @@
      -apiVersion: v1
      -kind: ConfigMap
      -metadata:
      -  name: api-settings
      -  labels:
      -    package-operator.run/instance: api
      -    package-operator.run/package: webapp
      -data:
      -  greeting: hi
      \`\`\`

      </details>
      <details><summary><code>- Secret apps/api-credentials</code> · phase packages, Package apps/api, phase config</summary>

      \`\`\`diff
      --- main (<commit>)
      +++ feature (<commit>)
      @@ -1,9 +0,0 @@
      -apiVersion: v1
      -kind: Secret
      -metadata:
      -  name: api-credentials
      -  labels:
      -    package-operator.run/instance: api
      -    package-operator.run/package: webapp
      -stringData:
      -  password: <hash>
      \`\`\`

      </details>
      <details><summary><code>- Deployment apps/api</code> · phase packages, Package apps/api, phase deploy</summary>

      \`\`\`diff
      --- main (<commit>)
      +++ feature (<commit>)
      @@ -1,22 +0,0 @@
      -apiVersion: apps/v1
      -kind: Deployment
      -metadata:
      -  name: api
      -  labels:
      -    package-operator.run/instance: api
      -    package-operator.run/package: webapp
      -spec:
      -  replicas: 1
      -  selector:
      -    matchLabels:
      -      app: api
      -  template:
      -    metadata:
      -      labels:
      -        app: api
      -    spec:
      -      containers:
      -        - name: web
      -          image: nginx:1.25
      -          ports:
      -            - containerPort: 8080
      \`\`\`

      </details>
      <details><summary><code>- Service apps/api</code> · phase packages, Package apps/api, phase deploy</summary>

      \`\`\`diff
      --- main (<commit>)
      +++ feature (<commit>)
      @@ -1,13 +0,0 @@
      -apiVersion: v1
      -kind: Service
      -metadata:
      -  name: api
      -  labels:
      -    package-operator.run/instance: api
      -    package-operator.run/package: webapp
      -spec:
      -  ports:
      -    - port: 80
      -      targetPort: 8080
      -  selector:
      -    app: api
      \`\`\`

      </details>
      <details><summary><code>+ ConfigMap apps/feature-flags</code> · phase default</summary>

      \`\`\`diff
      --- main (<commit>)
      +++ feature (<commit>)
      @@ -0,0 +1,10 @@
      +apiVersion: v1
      +kind: ConfigMap
      +metadata:
      +  name: feature-flags
      +  namespace: apps
      +  labels:
      +    package-operator.run/instance: fleet
      +    package-operator.run/package: fleet
      +data:
      +  beta: on
      \`\`\`

      </details>
      <details><summary><code>~ ConfigMap apps/fleet-settings</code> · phase default</summary>

      \`\`\`diff
      --- main (<commit>)
      +++ feature (<commit>)
      @@ -7,4 +7,4 @@
           package-operator.run/instance: fleet
           package-operator.run/package: fleet
       data:
      -  mode: blue
      +  mode: green
      \`\`\`

      </details>
      <details><summary><code>~ Secret apps/registry-token</code> · phase default</summary>

      \`\`\`diff
      --- main (<commit>)
      +++ feature (<commit>)
      @@ -7,4 +7,4 @@
           package-operator.run/instance: fleet
           package-operator.run/package: fleet
       stringData:
      -  token: <hash>
      +  token: <hash>
      \`\`\`

      </details>
      "
    `);
  });

  it('cuts the comment at --max-bytes between sections and says how many were left out', async () => {
    const dir = await repo({
      feature: {
        ...baseFiles(),
        'packages.yaml': [
          packageYaml('apps', 'web', images.v1, { replicas: 3, greeting: 'hey' }),
          packageYaml('apps', 'api', images.v1, { greeting: 'hello', replicas: 2 }),
        ].join('---\n'),
        'settings.yaml': configMapYaml('apps', 'fleet-settings', { mode: 'x'.repeat(3000) }),
      },
    });
    const full = await preview(dir, 'feature');
    const cut = await preview(dir, 'feature', '--max-bytes', '2500');
    expect(cut.code).toBe(0);
    expect(Buffer.byteLength(full.out)).toBeGreaterThan(2500);
    expect(Buffer.byteLength(cut.out)).toBeLessThanOrEqual(2500);
    // Never cut inside a fence or a <details> section.
    expect(cut.out.match(/^```/gm)?.length ?? 0).toSatisfy((n: number) => n % 2 === 0);
    expect(cut.out.match(/<details>/g)?.length).toBe(cut.out.match(/<\/details>/g)?.length);
    const shown = cut.out.match(/<details>/g)?.length ?? 0;
    const total = full.out.match(/<details>/g)?.length ?? 0;
    expect(cut.out).toContain(
      `_${total - shown} of ${total} sections left out to stay within 2500 bytes`,
    );
    // The summary and the tree come first and are kept.
    expect(cut.out).toContain('**0 to create, 7 to change, 0 to delete**');
    expect(cut.out).toContain('#### Changes');
  });

  it('reports a head that does not render with the file and the field, and exits 2', async () => {
    const dir = await repo({
      'broken-yaml': { ...baseFiles(), 'settings.yaml': 'apiVersion: v1\nkind: [ConfigMap\n' },
      'bad-config': {
        ...baseFiles(),
        'packages.yaml': packageYaml('apps', 'web', images.v1, { replicas: 'many' }),
      },
      'unknown-phase': {
        ...baseFiles(),
        'settings.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n  namespace: apps\n  annotations:\n    package-operator.run/phase: rollout\n',
      },
    });
    const yaml = await preview(dir, 'broken-yaml');
    expect(yaml.code).toBe(2);
    expect(yaml.out).toContain('#### ⚠️ 1 validation error');
    expect(yaml.out).toMatch(/`repository`: Invalid YAML in settings\.yaml/);
    // Nothing of the repository is known, so nothing is claimed to be deleted.
    expect(yaml.out).toContain('0 to delete');

    const config = await preview(dir, 'bad-config');
    expect(config.code).toBe(2);
    expect(config.out).toContain('`Package apps/web`: spec.config.replicas: Invalid value');
    // The package that did not render keeps its objects out of "deleted"; the removed one does not.
    expect(config.out).toContain('`-` Deployment `apps/api`');
    expect(config.out).not.toContain('`-` Deployment `apps/web`');

    const phase = await preview(dir, 'unknown-phase');
    expect(phase.code).toBe(2);
    expect(phase.out).toContain('Phase name not found in manifest in settings.yaml idx 0');
  });

  it('reads both refs of a remote repository over smart HTTP (git http-backend)', async () => {
    const srv = await startGitServer();
    try {
      await srv.createRepo('fleet');
      await srv.commit('fleet', prefixed(baseFiles()), 'base');
      await srv.commit(
        'fleet',
        { 'fleet/settings.yaml': configMapYaml('apps', 'fleet-settings', { mode: 'red' }) },
        'red',
        { branch: 'feature' },
      );
      const cache = tempDir('git-cache');
      repos.push(cache);
      const res = await runCli(
        'preview',
        '--repo',
        srv.repoUrl('fleet'),
        '--git-cache-dir',
        cache,
        '--path',
        'fleet',
        '--base',
        'main',
        '--head',
        'feature',
        '--insecure',
        '-o',
        'text',
      );
      expect(res.err).toBe('');
      expect(res.code).toBe(0);
      expect(res.out).toContain('0 to create, 1 to change, 0 to delete\n');
      expect(res.out).toContain('data.mode: "blue" -> "red"');
    } finally {
      await srv.stop();
    }
  });

  it('pulls both images of a bumped package and diffs its objects', async () => {
    const dir = await repo({
      bump: {
        ...baseFiles(),
        'packages.yaml': [
          packageYaml('apps', 'web', images.v2, { replicas: 1 }),
          packageYaml('apps', 'api', images.v1, { greeting: 'hi' }),
        ].join('---\n'),
      },
    });
    const res = await preview(dir, 'bump', '-o', 'json');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.out) as {
      counts: Record<string, number>;
      packages: { id: string; image?: { before?: string; after?: string } }[];
      objects: {
        action: string;
        id: { kind: string; name: string };
        changes: { path: string }[];
      }[];
    };
    expect(report.counts).toMatchObject({ create: 0, change: 2, delete: 0 });
    expect(report.packages.find((p) => p.id === 'Package apps/web')?.image).toEqual({
      before: images.v1,
      after: images.v2,
    });
    const changed = report.objects.filter((o) => o.action === 'change');
    expect(changed.map((o) => `${o.id.kind}/${o.id.name}`)).toEqual([
      'Package/web',
      'Deployment/web',
    ]);
    expect(changed[1]?.changes.map((c) => c.path)).toEqual([
      'spec.template.metadata.labels.tier',
      'spec.template.spec.containers[name=web].image',
    ]);
    const md = await preview(dir, 'bump');
    expect(scrub(md.out)).toContain(
      '`Package apps/web` (image `registry.test/packages/webapp:v1` → `registry.test/packages/webapp:v2`)',
    );
    expect(md.out).toMatch(/^- +image: nginx:1\.25\n\+ +image: nginx:1\.26$/m);
  });
});
