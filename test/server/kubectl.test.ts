// The real kubectl against the server (private HOME and KUBECONFIG): exit codes and output.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasKubectl,
  startKubectlEnv,
  warnIfNoKubectl,
  type KubectlEnv,
} from './kubectl-helpers.js';
import { eventually, testNames, type TestServer } from './helpers.js';

warnIfNoKubectl('the kubectl suite');

let k: KubectlEnv;
let ts: TestServer;
let home: string;
let env: NodeJS.ProcessEnv;

const kubectl = (args: string[], input?: string) => k.run(args, { input });
const ok = (args: string[], input?: string) => k.ok(args, { input });

function file(name: string, text: string): string {
  const f = join(home, name);
  writeFileSync(f, text);
  return f;
}

/** Rows of a kubectl table as arrays of cells. */
/** Rows of a kubectl table, without the objects the cluster adds to every namespace. */
function rows(out: string): string[][] {
  return allRows(out).filter(
    (r) =>
      r[0] === 'NAME' ||
      testNames([{ metadata: { name: (r[0] ?? '').replace(/^.*\//, '') } }]).length > 0,
  );
}

function allRows(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

describe.skipIf(!hasKubectl)('kubectl', () => {
  beforeAll(async () => {
    k = await startKubectlEnv('packsync-kubectl-');
    ({ ts, home, env } = k);
  });
  afterAll(async () => {
    await k.stop();
  });

  it('version reports the server as 1.32', async () => {
    const out = JSON.parse(await ok(['version', '-o', 'json'])) as {
      serverVersion: { major: string; minor: string };
    };
    expect(out.serverVersion).toMatchObject({ major: '1', minor: '32' });
  });

  it('api-resources lists built-in kinds with short names, groups and scope', async () => {
    const table = rows(await ok(['api-resources']));
    expect(table[0]).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    expect(table).toContainEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(table).toContainEqual(['namespaces', 'ns', 'v1', 'false', 'Namespace']);
    expect(table).toContainEqual(['leases', 'coordination.k8s.io/v1', 'true', 'Lease']);
    expect(table).toContainEqual([
      'poddisruptionbudgets',
      'pdb',
      'policy/v1',
      'true',
      'PodDisruptionBudget',
    ]);
  });

  it('create -f, get (table, yaml, -A, -l, --field-selector, --chunk-size) and AlreadyExists', async () => {
    await ok([
      'create',
      '-f',
      file('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: k1\n'),
    ]);
    const f = file(
      'cms.yaml',
      ['a', 'b', 'c']
        .map(
          (n) =>
            `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n  namespace: k1\n  labels:\n    tier: ${n === 'c' ? 'db' : 'web'}\ndata:\n  k: v\n`,
        )
        .join('---\n'),
    );
    expect(await ok(['create', '-f', f])).toBe(
      'configmap/a created\nconfigmap/b created\nconfigmap/c created\n',
    );
    const again = await kubectl(['create', '-f', f]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Error from server (AlreadyExists): error when creating');
    expect(again.stderr).toContain('configmaps "a" already exists');

    const table = rows(await ok(['get', 'cm', '-n', 'k1']));
    expect(table[0]).toEqual(['NAME', 'DATA', 'AGE']);
    expect(table.slice(1).map((r) => r.slice(0, 2))).toEqual([
      ['a', '1'],
      ['b', '1'],
      ['c', '1'],
    ]);
    expect(table[1]?.[2]).toMatch(/^\d+s$/);

    const yaml = await ok(['get', 'cm', 'a', '-n', 'k1', '-o', 'yaml']);
    expect(yaml).toContain('kind: ConfigMap');
    expect(yaml).toMatch(/resourceVersion: "\d+"/);
    expect(yaml).toMatch(/uid: [0-9a-f-]{36}/);

    const all = rows(await ok(['get', 'cm', '-A', '-l', 'tier=web']));
    expect(all[0]).toEqual(['NAMESPACE', 'NAME', 'DATA', 'AGE']);
    expect(all.slice(1).map((r) => r.slice(0, 2))).toEqual([
      ['k1', 'a'],
      ['k1', 'b'],
    ]);
    expect(
      rows(
        await ok(['get', 'cm', '-n', 'k1', '--field-selector', 'metadata.name=c', '-o', 'name']),
      ),
    ).toEqual([['configmap/c']]);

    const pages = allRows(await ok(['get', 'cm', '-n', 'k1', '-o', 'name'])).length;
    ts.server.clearRequests();
    const chunked = rows(await ok(['get', 'cm', '-n', 'k1', '--chunk-size=1']));
    expect(chunked.slice(1).map((r) => r[0])).toEqual(['a', 'b', 'c']);
    const lists = ts.server.requests().filter((r) => r.path === '/api/v1/namespaces/k1/configmaps');
    expect(lists.length).toBe(pages);
    expect(lists.slice(1).every((r) => r.query.includes('continue='))).toBe(true);

    const missing = await kubectl(['get', 'cm', 'nope', '-n', 'k1']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error from server (NotFound): configmaps "nope" not found');
  });

  it('typed create commands (protobuf bodies) store what kubectl asked for', async () => {
    expect(await ok(['create', 'namespace', 'pb'])).toBe('namespace/pb created\n');
    expect(
      await ok([
        'create',
        'configmap',
        'cfg',
        '-n',
        'pb',
        '--from-literal=a=1',
        '--from-literal=b=2',
      ]),
    ).toBe('configmap/cfg created\n');
    expect(
      await ok(['create', 'secret', 'generic', 'sec', '-n', 'pb', '--from-literal=user=admin']),
    ).toBe('secret/sec created\n');
    expect(await ok(['create', 'serviceaccount', 'bot', '-n', 'pb'])).toBe(
      'serviceaccount/bot created\n',
    );
    expect(
      await ok([
        'create',
        'deployment',
        'web',
        '-n',
        'pb',
        '--image=nginx:1',
        '--port=80',
        '--replicas=2',
      ]),
    ).toBe('deployment.apps/web created\n');
    expect(
      await ok([
        'create',
        'rolebinding',
        'rb',
        '-n',
        'pb',
        '--clusterrole=view',
        '--serviceaccount=pb:bot',
      ]),
    ).toBe('rolebinding.rbac.authorization.k8s.io/rb created\n');
    const cm = await ts.core.readNamespacedConfigMap({ name: 'cfg', namespace: 'pb' });
    expect(cm.data).toEqual({ a: '1', b: '2' });
    const sec = await ts.core.readNamespacedSecret({ name: 'sec', namespace: 'pb' });
    expect(sec.data).toEqual({ user: Buffer.from('admin').toString('base64') });
    const d = await ts.apps.readNamespacedDeployment({ name: 'web', namespace: 'pb' });
    expect(d.spec?.replicas).toBe(2);
    expect(d.spec?.selector.matchLabels).toEqual({ app: 'web' });
    expect(d.spec?.template.spec?.containers[0]).toMatchObject({
      name: 'nginx',
      image: 'nginx:1',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
    });
    const rb = JSON.parse(
      await ok(['get', 'rolebinding', 'rb', '-n', 'pb', '-o', 'json']),
    ) as Record<string, unknown>;
    expect(rb).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'pb' }],
    });
    const dup = await kubectl(['create', 'namespace', 'pb']);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain(
      'Error from server (AlreadyExists): namespaces "pb" already exists',
    );
  });

  it('get -w prints the current objects, then changes', async () => {
    await ok([
      'create',
      '-f',
      file('ns2.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: k2\n'),
    ]);
    await ok([
      'create',
      '-f',
      file(
        'w1.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n  namespace: k2\n',
      ),
    ]);
    const p = spawn('kubectl', ['get', 'cm', '-n', 'k2', '-w'], { env });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await eventually(() => out.includes('first'), 'the first row');
      await ok([
        'create',
        '-f',
        file(
          'w2.yaml',
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: second\n  namespace: k2\n',
        ),
      ]);
      await eventually(() => out.includes('second'), 'the watched row');
    } finally {
      p.kill();
    }
    const names = rows(out).map((r) => r[0]);
    expect(names).toEqual(['NAME', 'first', 'second']);
  });

  it('apply --server-side creates then updates; CRs of a CRD applied in the same test; get all', async () => {
    const crd = file(
      'crd.yaml',
      `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
`,
    );
    expect(await ok(['apply', '--server-side', '-f', crd])).toBe(
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.com serverside-applied\n',
    );
    expect(
      await ok(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=10s']),
    ).toContain('condition met');
    const w = (size: number): string =>
      file(
        'w.yaml',
        `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: default\nspec:\n  size: ${size}\n`,
      );
    expect(await ok(['apply', '--server-side', '-f', w(1)])).toBe(
      'widget.example.com/w1 serverside-applied\n',
    );
    expect(await ok(['apply', '--server-side', '-f', w(2)])).toBe(
      'widget.example.com/w1 serverside-applied\n',
    );
    expect(rows(await ok(['get', 'wd']))).toEqual([
      ['NAME', 'SIZE', 'AGE'],
      ['w1', '2', expect.stringMatching(/^\d+s$/) as string],
    ]);
    const strict = await kubectl([
      'apply',
      '--server-side',
      '-f',
      file(
        'bad.yaml',
        'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w2\nspec:\n  size: 1\n  colour: red\n',
      ),
    ]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('unknown field "spec.colour"');

    const deploy = file(
      'deploy.yaml',
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: nginx:1}]
`,
    );
    expect(await ok(['apply', '--server-side', '-f', deploy])).toBe(
      'deployment.apps/web serverside-applied\n',
    );
    const all = await ok(['get', 'all']);
    expect(all).toContain('deployment.apps/web');
    expect(all).toContain('widget.example.com/w1');
  });

  it('delete (also --cascade=foreground) and wait --for=delete', async () => {
    await ok([
      'create',
      '-f',
      file('ns3.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: k3\n'),
    ]);
    await ok([
      'create',
      '-f',
      file(
        'owner.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owner\n  namespace: k3\n',
      ),
    ]);
    const owner = JSON.parse(await ok(['get', 'cm', 'owner', '-n', 'k3', '-o', 'json'])) as {
      metadata: { uid: string };
    };
    await ok([
      'create',
      '-f',
      file(
        'dep.yaml',
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dep\n  namespace: k3\n  ownerReferences:\n  - {apiVersion: v1, kind: ConfigMap, name: owner, uid: ${owner.metadata.uid}, blockOwnerDeletion: true}\n`,
      ),
    ]);
    expect(await ok(['delete', 'cm', 'owner', '-n', 'k3', '--cascade=foreground'])).toBe(
      'configmap "owner" deleted\n',
    );
    const left = rows(await ok(['get', 'cm', '-n', 'k3', '-o', 'name']));
    expect(left).toEqual([]);

    await ok([
      'create',
      '-f',
      file(
        'held.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  namespace: k3\n  finalizers: [example.com/hold]\n',
      ),
    ]);
    expect(await ok(['delete', 'cm', 'held', '-n', 'k3', '--wait=false'])).toBe(
      'configmap "held" deleted\n',
    );
    ts.server.clearRequests();
    const waiting = kubectl(['wait', '--for=delete', 'cm/held', '-n', 'k3', '--timeout=20s']);
    await eventually(
      () =>
        ts.server
          .requests()
          .some(
            (q) =>
              q.path === '/api/v1/namespaces/k3/configmaps' &&
              q.query.includes('watch=true') &&
              q.query.includes('fieldSelector=metadata.name%3Dheld'),
          ),
      'kubectl wait to watch',
    );
    await ok([
      'patch',
      'cm',
      'held',
      '-n',
      'k3',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]);
    const r = await waiting;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('configmap/held condition met');
    const gone = await kubectl(['delete', 'cm', 'held', '-n', 'k3']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Error from server (NotFound): configmaps "held" not found');
  });
});
