/**
 * The cluster verbs (`rollout history`, `pause`/`unpause`, `clustertree`) against the embedded API
 * server with the real controllers (Package, ObjectDeployment, ObjectSet) installing packages from
 * the folders in `fixtures/` (pulled in-process, no registry), run through `main()` and, when
 * kubectl is installed, as the `kubectl package` plugin.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeCause } from '../../src/controllers/package/desired.js';
import { packageScopes } from '../../src/controllers/package/scope.js';
import { setupPackage } from '../../src/controllers/package/setup.js';
import type { KubeObject } from '../../src/kube/index.js';
import { importFolder } from '../../src/packages/index.js';
import { runCli } from '../helpers/cli-capture.js';
import { hasKubectl, warnIfNoKubectl } from '../server/kubectl-helpers.js';
import {
  conditionOf,
  eventually,
  freshNamespace,
  PKO,
  startRevisionEnv,
  waitForCondition,
  type RevisionEnv,
} from '../integration/revision-helpers.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const fixtures = join(import.meta.dirname, 'fixtures');
/** `local/<folder>:<tag>` pulls the fixture folder; anything else fails like a missing image. */
const digestOf = (ref: string) => `sha256:${createHash('sha256').update(ref).digest('hex')}`;
async function pull(ref: string) {
  const m = /^local\/([a-z]+):/.exec(ref);
  if (m === null) throw new Error(`${ref}: manifest unknown`);
  return { digest: digestOf(ref), raw: await importFolder(join(fixtures, m[1] ?? '')) };
}

warnIfNoKubectl('`kubectl package` plugin invocation of the cluster verbs');

let env: RevisionEnv;
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  env = await startRevisionEnv({
    extra: packageScopes.map((scope) => setupPackage(scope, { pull })),
  });
  dir = mkdtempSync(join(tmpdir(), 'cli-cluster-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, env.server.kubeconfig);
}, 60_000);

afterAll(async () => {
  await env?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const pkgRef = (ns: string, name: string) => ({
  apiVersion: PKO,
  kind: 'Package',
  name,
  namespace: ns,
});

async function installPackage(ns: string, name: string, spec: Record<string, unknown>) {
  await env.client.create({
    apiVersion: PKO,
    kind: 'Package',
    metadata: { name, namespace: ns },
    spec,
  });
  return waitForCondition(env.client, pkgRef(ns, name), 'Available', 'True', undefined, 30_000);
}

/** Waits until the package's ObjectSets are exactly `revisions`, each Succeeded. */
async function succeededRevisions(ns: string, name: string, revisions: number[]) {
  return eventually(
    async () => {
      const list = await env.client.list(PKO, 'ObjectSet', {
        namespace: ns,
        labelSelector: `package-operator.run/instance=${name}`,
      });
      const revs = list.items.map((o) => (o.status as { revision?: number }).revision).sort();
      return (
        JSON.stringify(revs) === JSON.stringify(revisions) &&
        list.items.every((o) => conditionOf(o, 'Succeeded')?.status === 'True') &&
        list.items
      );
    },
    `ObjectSets ${revisions.join(', ')} of ${name} succeeded`,
    30_000,
  );
}

const cli = (...args: string[]) => runCli(...args, '--kubeconfig', kubeconfig);

describe('rollout history', () => {
  let ns: string;
  const image = 'local/app:v1';

  beforeAll(async () => {
    ns = await freshNamespace(env.client, 'hist');
    await installPackage(ns, 'web', { image, config: { greeting: 'hello' } });
    await env.client.patch(pkgRef(ns, 'web'), 'merge', { spec: { config: { greeting: 'hi' } } });
    await succeededRevisions(ns, 'web', [1, 2]);
  }, 60_000);

  it('prints the revisions as Package Operator’s table', async () => {
    const cause = changeCause(image, digestOf(image));
    const width = Math.max('CHANGE-CAUSE'.length, cause.length);
    const row = (rev: string) => `${rev.padEnd(8)}  ${'true'.padEnd(10)}  ${cause.padEnd(width)}`;
    const expected = [`REVISION  SUCCESSFUL  ${'CHANGE-CAUSE'.padEnd(width)}`, row('1'), row('2')];

    for (const args of [
      ['package/web', '-n', ns],
      ['package', 'web', '--namespace', ns],
      ['pkg/web', '-n', ns],
      ['Package.package-operator.run/web', '-n', ns],
      ['objectdeployment/web', '-n', ns],
      ['od', 'web', '-n', ns],
    ]) {
      const r = await cli('rollout', 'history', ...args);
      expect({ args, err: r.err, code: r.code }).toEqual({ args, err: '', code: 0 });
      expect(r.out).toBe(`${expected.join('\n')}\n\n`);
    }
  });

  it('prints one revision as YAML (default) or JSON, and the list as JSON/YAML', async () => {
    const yaml = await cli('rollout', 'history', 'package/web', '-n', ns, '--revision', '2');
    expect(yaml.code).toBe(0);
    const os = parseYaml(yaml.out) as KubeObject;
    expect(os).toMatchObject({ kind: 'ObjectSet', metadata: { namespace: ns } });
    expect((os.status as { revision: number }).revision).toBe(2);
    // sigs.k8s.io/yaml order: keys sorted, sequences flush with their key.
    expect(yaml.out.split('\n').filter((l) => /^\S/.test(l))).toEqual([
      `apiVersion: ${PKO}`,
      'kind: ObjectSet',
      'metadata:',
      'spec:',
      'status:',
    ]);
    expect(yaml.out).toMatch(/\n {2}phases:\n {2}- /);

    const json = await cli(
      'rollout',
      'history',
      'package/web',
      '-n',
      ns,
      '--revision',
      '1',
      '-o',
      'json',
    );
    expect(json.code).toBe(0);
    expect(json.out).toMatch(/^\{\n {4}"kind": "ObjectSet",\n {4}"apiVersion": /);
    const one = JSON.parse(json.out) as KubeObject;
    expect((one.status as { revision: number }).revision).toBe(1);
    expect(one.metadata.name).not.toBe(os.metadata.name);

    const list = await cli('rollout', 'history', 'package/web', '-n', ns, '-o', 'json');
    expect(list.code).toBe(0);
    const items = JSON.parse(list.out) as KubeObject[];
    expect(items.map((o) => (o.status as { revision: number }).revision)).toEqual([1, 2]);

    const ylist = await cli('rollout', 'history', 'package/web', '-n', ns, '-o', 'yaml');
    expect((parseYaml(ylist.out) as KubeObject[]).map((o) => o.metadata.name)).toEqual(
      items.map((o) => o.metadata.name),
    );
  });

  it('reports user errors', async () => {
    const cases: [string[], string][] = [
      [['widget/web', '-n', ns], 'Error: invalid resource type: "widget"'],
      [
        ['web'],
        'Error: invalid arguments: arguments in resource/name form must have a single resource and name',
      ],
      [['package/absent', '-n', ns], `Error: Package ${ns}/absent not found`],
      [
        ['package/web', '-n', ns, '--revision', '9'],
        'Error: revision not found: 9 (revisions: 1, 2)',
      ],
      [['package/web', '-n', ns, '-o', 'wide'], 'Error: invalid output format: "wide"'],
    ];
    for (const [args, message] of cases) {
      const r = await cli('rollout', 'history', ...args);
      expect({ args, code: r.code, out: r.out }).toEqual({ args, code: 1, out: '' });
      expect(r.err.split('\n')[0]).toContain(message);
    }
    const noServer = await runCli(
      'rollout',
      'history',
      'package/web',
      '--kubeconfig',
      join(dir, 'none'),
    );
    expect(noServer.code).toBe(1);
    expect(noServer.err).toMatch(/^Error: loading kubeconfig /);

    // Without --kubeconfig: $KUBECONFIG, then ~/.kube/config, like kubectl.
    const saved = { HOME: process.env.HOME, KUBECONFIG: process.env.KUBECONFIG };
    try {
      process.env.HOME = dir;
      process.env.KUBECONFIG = kubeconfig;
      const viaEnv = await runCli('rollout', 'history', 'package/web', '-n', ns);
      expect(viaEnv.code).toBe(0);
      delete process.env.KUBECONFIG;
      const none = await runCli('rollout', 'history', 'package/web', '-n', ns);
      expect(none.err).toMatch(/^Error: no kubeconfig: pass --kubeconfig, set \$KUBECONFIG/);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('pause and unpause', () => {
  it('pauses with a message, waits for Paused=True, and unpauses back to Available', async () => {
    const ns = await freshNamespace(env.client, 'pause');
    await installPackage(ns, 'web', { image: 'local/app:v1' });

    const paused = await cli('pause', 'package/web', '-n', ns, '-m', 'maintenance window');
    expect(paused).toMatchObject({ code: 0, out: '' });
    // No waiting here: the verb returned only once the controller reported the pause.
    let pkg = await env.client.get(pkgRef(ns, 'web'));
    expect(conditionOf(pkg, 'Paused')?.status).toBe('True');
    expect(pkg?.spec).toMatchObject({ paused: true });
    expect(pkg?.metadata.annotations?.['package-operator.run/pause-message']).toBe(
      'maintenance window',
    );
    const od = await env.client.get({ ...pkgRef(ns, 'web'), kind: 'ObjectDeployment' });
    expect(od?.spec).toMatchObject({ paused: true });

    const unpaused = await cli('unpause', 'package', 'web', '-n', ns);
    expect(unpaused).toMatchObject({ code: 0, out: '' });
    pkg = await env.client.get(pkgRef(ns, 'web'));
    expect(conditionOf(pkg, 'Paused')).toBeUndefined();
    expect(conditionOf(pkg, 'Available')?.status).toBe('True');
    expect((pkg?.spec as { paused?: boolean }).paused).toBeUndefined();
    expect(pkg?.metadata.annotations?.['package-operator.run/pause-message']).toBeUndefined();
  }, 60_000);

  it('times out when the package never reports Paused, and rejects other resources', async () => {
    const ns = await freshNamespace(env.client, 'pause');
    // The image cannot be pulled, so there is no ObjectDeployment to report Paused.
    await env.client.create({
      apiVersion: PKO,
      kind: 'Package',
      metadata: { name: 'broken', namespace: ns },
      spec: { image: 'nowhere/app:v1' },
    });
    const started = Date.now();
    const r = await cli('pause', 'package/broken', '-n', ns, '--timeout', '1s');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `Error: waiting for Package ${ns}/broken to report Paused=True: timed out after 1s\n`,
    );
    expect(Date.now() - started).toBeLessThan(10_000);

    const od = await cli('pause', 'objectdeployment/web', '-n', ns);
    expect(od.code).toBe(1);
    expect(od.err).toContain('invalid resource type: "objectdeployment"');
    const missing = await cli('pause', 'package/absent');
    expect(missing.err).toBe('Error: Package default/absent not found\n');
  });
});

describe('clustertree', () => {
  it('prints a Package’s phases and objects from its ObjectSet', async () => {
    const ns = await freshNamespace(env.client, 'tree');
    await installPackage(ns, 'web', { image: 'local/app:v1' });
    const r = await cli('clustertree', 'package', 'web', '-n', ns);
    expect(r.err).toBe('');
    expect(r.out).toBe(
      `Package /web
namespace/${ns}
└── Phase config
│   ├── /v1, Kind=ConfigMap ${ns}/web-greeting
└── Phase deploy
    └── apps/v1, Kind=Deployment ${ns}/web
`,
    );
  });

  it('prints a ClusterPackage’s tree, and reports a package without an ObjectSet', async () => {
    await env.client.create({
      apiVersion: PKO,
      kind: 'ClusterPackage',
      metadata: { name: 'ops' },
      spec: { image: 'local/ops:v1' },
    });
    await waitForCondition(
      env.client,
      { apiVersion: PKO, kind: 'ClusterPackage', name: 'ops' },
      'Available',
      'True',
      undefined,
      30_000,
    );
    const r = await cli('clustertree', 'clusterpackage/ops');
    expect(r.err).toBe('');
    expect(r.out).toBe(
      `ClusterPackage /ops
└── Phase namespace
│   ├── /v1, Kind=Namespace /ops-ns
└── Phase config
    └── /v1, Kind=ConfigMap ops-ns/ops-settings
`,
    );

    const ns = await freshNamespace(env.client, 'tree');
    await env.client.create({
      apiVersion: PKO,
      kind: 'Package',
      metadata: { name: 'broken', namespace: ns },
      spec: { image: 'nowhere/app:v1' },
    });
    const none = await cli('clustertree', 'package/broken', '-n', ns);
    expect(none).toMatchObject({ code: 1, out: '', err: 'Error: ObjectSet could not be found\n' });
  });
});

describe.skipIf(!hasKubectl)('as the kubectl plugin (kubectl package ...)', () => {
  it('runs rollout history through kubectl, output and exit codes unchanged', async () => {
    const ns = await freshNamespace(env.client, 'plugin');
    await installPackage(ns, 'web', { image: 'local/app:v1' });
    await succeededRevisions(ns, 'web', [1]);
    const bin = join(dir, 'bin');
    const entry = join(import.meta.dirname, 'packsync-entry.ts');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'kubectl-package'),
      `#!/bin/sh\nexec "${process.execPath}" --import tsx "${entry}" "$@"\n`,
    );
    chmodSync(join(bin, 'kubectl-package'), 0o755);
    const kubectl = (...args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((done, fail) => {
        const p = spawn('kubectl', ['package', ...args], {
          cwd: repoRoot,
          env: {
            PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
            HOME: dir,
            KUBECONFIG: kubeconfig,
          },
        });
        let out = '';
        let err = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (err += d.toString()));
        p.on('error', fail);
        p.on('close', (code) => done({ code: code ?? -1, out, err }));
      });

    const inProcess = await cli('rollout', 'history', 'package/web', '-n', ns);
    const history = await kubectl('rollout', 'history', 'package/web', '-n', ns);
    expect(history).toEqual({ code: 0, out: inProcess.out, err: '' });
    expect(history.out).toMatch(/^REVISION {2}SUCCESSFUL {2}CHANGE-CAUSE/);

    const bad = await kubectl('rollout', 'history', 'package/absent', '-n', ns);
    expect(bad).toMatchObject({ code: 1, err: `Error: Package ${ns}/absent not found\n` });
  }, 60_000);
});
