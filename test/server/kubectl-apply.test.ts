// The real kubectl against the server: client-side apply (strategic merge patch), patch types, diff,
// server-side apply conflicts, edit, explain and the columns of `kubectl get` for built-ins and CRDs.
import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasKubectl,
  startKubectlEnv,
  warnIfNoKubectl,
  type KubectlEnv,
} from './kubectl-helpers.js';
import { eventually, freshNamespace, raw, type TestServer } from './helpers.js';

warnIfNoKubectl('the kubectl apply/patch/diff suite');
const crdDir = resolve(import.meta.dirname, '../../crds');

let k: KubectlEnv;
let ts: TestServer;
let home: string;
let env: NodeJS.ProcessEnv;

const kubectl = (args: string[], extraEnv?: NodeJS.ProcessEnv) => k.run(args, { env: extraEnv });
const ok = (args: string[], extraEnv?: NodeJS.ProcessEnv) => k.ok(args, { env: extraEnv });

let fileCount = 0;
function file(text: string): string {
  fileCount += 1;
  const f = join(home, `f${fileCount}.yaml`);
  writeFileSync(f, text);
  return f;
}

function rows(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

function deploymentYaml(
  ns: string,
  name: string,
  opts: { image?: string; replicas?: number; env?: string } = {},
): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: ${opts.replicas ?? 1}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: ${opts.image ?? 'nginx:1'}
${opts.env ? `        env:\n        - {name: MODE, value: ${opts.env}}\n` : ''}`;
}

describe.skipIf(!hasKubectl)('kubectl apply, patch, diff, edit', () => {
  beforeAll(async () => {
    k = await startKubectlEnv('packsync-kubectl-apply-');
    ({ ts, home, env } = k);
  });
  afterAll(async () => {
    await k.stop();
  });

  it('client-side apply: created, unchanged, then configured through a strategic merge patch', async () => {
    const ns = await freshNamespace(ts, 'csa');
    const first = file(deploymentYaml(ns, 'web'));
    expect(await ok(['apply', '-f', first])).toBe('deployment.apps/web created\n');
    expect(await ok(['apply', '-f', first])).toBe('deployment.apps/web unchanged\n');
    // Another writer adds a container; the 3-way patch of the next apply must keep it (merge by name).
    await ok([
      'patch',
      '-n',
      ns,
      'deploy/web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1"}]}}}}',
    ]);
    const changed = file(deploymentYaml(ns, 'web', { image: 'nginx:2', replicas: 3, env: 'prod' }));
    expect(await ok(['apply', '-f', changed])).toBe('deployment.apps/web configured\n');
    const live = await ts.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    expect(live.spec?.replicas).toBe(3);
    expect(live.metadata?.generation).toBe(3);
    const containers = live.spec?.template.spec?.containers ?? [];
    // SMP puts a patch item the server did not have before the server's items, and keeps the
    // live order for the rest: the sidecar the patch added comes first.
    expect(containers.map((c) => [c.name, c.image])).toEqual([
      ['sidecar', 'busybox:1'],
      ['web', 'nginx:2'],
    ]);
    expect(containers[1]?.env).toEqual([{ name: 'MODE', value: 'prod' }]);
    // Dropping env from the file removes it (it was in last-applied-configuration).
    expect(
      await ok(['apply', '-f', file(deploymentYaml(ns, 'web', { image: 'nginx:2', replicas: 3 }))]),
    ).toBe('deployment.apps/web configured\n');
    const after = await ts.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    expect(after.spec?.template.spec?.containers[1]?.env).toBeUndefined();
    expect(after.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['sidecar', 'web']);
    const managers = (after.metadata?.managedFields ?? []).map(
      (m) => `${m.manager ?? ''}/${m.operation ?? ''}`,
    );
    expect(managers).toEqual(
      expect.arrayContaining(['kubectl-client-side-apply/Update', 'kubectl-patch/Update']),
    );
  });

  it('patch --type strategic, merge and json', async () => {
    const ns = await freshNamespace(ts, 'patch');
    await ok(['apply', '-f', file(deploymentYaml(ns, 'p', { env: 'a' }))]);
    // strategic: containers merged by name, env merged by name
    await ok([
      'patch',
      '-n',
      ns,
      'deploy/p',
      '--type',
      'strategic',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"EXTRA","value":"1"}]}]}}}}',
    ]);
    let live = await ts.apps.readNamespacedDeployment({ name: 'p', namespace: ns });
    expect(live.spec?.template.spec?.containers).toHaveLength(1);
    expect(live.spec?.template.spec?.containers[0]?.image).toBe('nginx:1');
    expect(live.spec?.template.spec?.containers[0]?.env).toEqual([
      { name: 'EXTRA', value: '1' },
      { name: 'MODE', value: 'a' },
    ]);
    // strategic $patch: delete removes one list item by its merge key
    await ok([
      'patch',
      '-n',
      ns,
      'deploy/p',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"MODE","$patch":"delete"}]}]}}}}',
    ]);
    live = await ts.apps.readNamespacedDeployment({ name: 'p', namespace: ns });
    expect(live.spec?.template.spec?.containers[0]?.env).toEqual([{ name: 'EXTRA', value: '1' }]);
    // merge: lists are replaced as a whole
    await ok([
      'patch',
      '-n',
      ns,
      'deploy/p',
      '--type',
      'merge',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"busybox:2"}]}}}}',
    ]);
    live = await ts.apps.readNamespacedDeployment({ name: 'p', namespace: ns });
    expect(live.spec?.template.spec?.containers.map((c) => [c.name, c.image, c.env])).toEqual([
      ['only', 'busybox:2', undefined],
    ]);
    // json patch, including a failing test op
    expect(
      await ok([
        'patch',
        '-n',
        ns,
        'deploy/p',
        '--type',
        'json',
        '-p',
        '[{"op":"replace","path":"/spec/replicas","value":4},{"op":"add","path":"/metadata/labels","value":{"tier":"web"}}]',
      ]),
    ).toBe('deployment.apps/p patched\n');
    live = await ts.apps.readNamespacedDeployment({ name: 'p', namespace: ns });
    expect(live.spec?.replicas).toBe(4);
    expect(live.metadata?.labels).toEqual({ tier: 'web' });
    const failed = await kubectl([
      'patch',
      '-n',
      ns,
      'deploy/p',
      '--type',
      'json',
      '-p',
      '[{"op":"test","path":"/spec/replicas","value":5}]',
    ]);
    expect(failed.code).toBe(1);
    // a patch that changes nothing is reported as such
    expect(
      await ok(['patch', '-n', ns, 'deploy/p', '--type', 'merge', '-p', '{"spec":{"replicas":4}}']),
    ).toBe('deployment.apps/p patched (no change)\n');
  });

  it('diff -f and diff --server-side -f: exit 1 with the changed lines, exit 0 when equal', async () => {
    const ns = await freshNamespace(ts, 'diff');
    const base = file(deploymentYaml(ns, 'd'));
    await ok(['apply', '-f', base]);
    const same = await kubectl(['diff', '-f', base]);
    expect(same).toMatchObject({ code: 0, stdout: '' });
    const changed = file(deploymentYaml(ns, 'd', { image: 'nginx:2', replicas: 2 }));
    const d = await kubectl(['diff', '-f', changed]);
    expect(d.code).toBe(1);
    const lines = d.stdout.split('\n');
    expect(lines).toContain('-  replicas: 1');
    expect(lines).toContain('+  replicas: 2');
    expect(lines).toContain('-      - image: nginx:1');
    expect(lines).toContain('+      - image: nginx:2');
    expect(lines).toContain('-  generation: 1');
    expect(lines).toContain('+  generation: 2');
    // nothing was stored by the dry run
    const live = await ts.apps.readNamespacedDeployment({ name: 'd', namespace: ns });
    expect(live.spec?.replicas).toBe(1);

    // server-side: the object is owned by kubectl-client-side-apply; kubectl's apply takes it over
    await ok(['apply', '--server-side', '-f', base]);
    expect(await kubectl(['diff', '--server-side', '-f', base])).toMatchObject({
      code: 0,
      stdout: '',
    });
    const ssd = await kubectl(['diff', '--server-side', '-f', changed]);
    expect(ssd.code).toBe(1);
    const sl = ssd.stdout.split('\n');
    expect(sl).toContain('-  replicas: 1');
    expect(sl).toContain('+  replicas: 2');
    expect(sl).toContain('-      - image: nginx:1');
    expect(sl).toContain('+      - image: nginx:2');
    // a new object diffs against nothing
    const fresh = await kubectl(['diff', '--server-side', '-f', file(deploymentYaml(ns, 'new'))]);
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toContain('+  name: new');
    await expect(
      ts.apps.readNamespacedDeployment({ name: 'new', namespace: ns }),
    ).rejects.toThrow();
  });

  it('apply --server-side: a conflict between two managers, then --force-conflicts', async () => {
    const ns = await freshNamespace(ts, 'ssa');
    await ok([
      'apply',
      '--server-side',
      '--field-manager',
      'team-a',
      '-f',
      file(deploymentYaml(ns, 's')),
    ]);
    const clash = await kubectl([
      'apply',
      '--server-side',
      '--field-manager',
      'team-b',
      '-f',
      file(deploymentYaml(ns, 's', { replicas: 5 })),
    ]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(
      'Apply failed with 1 conflict: conflict with "team-a": .spec.replicas',
    );
    expect(clash.stderr).toContain('--force-conflicts');
    // the same values are shared without conflict
    expect(
      await ok([
        'apply',
        '--server-side',
        '--field-manager',
        'team-b',
        '-f',
        file(deploymentYaml(ns, 's')),
      ]),
    ).toBe('deployment.apps/s serverside-applied\n');
    expect(
      await ok([
        'apply',
        '--server-side',
        '--force-conflicts',
        '--field-manager',
        'team-b',
        '-f',
        file(deploymentYaml(ns, 's', { replicas: 5 })),
      ]),
    ).toBe('deployment.apps/s serverside-applied\n');
    const live = await ts.apps.readNamespacedDeployment({ name: 's', namespace: ns });
    expect(live.spec?.replicas).toBe(5);
    const owners = (live.metadata?.managedFields ?? []).filter((m) => {
      const spec = (m.fieldsV1 as Record<string, Record<string, unknown> | undefined>)['f:spec'];
      return spec !== undefined && 'f:replicas' in spec;
    });
    expect(owners.map((m) => m.manager)).toEqual(['team-b']);
    // team-a now conflicts when it applies its old value
    const back = await kubectl([
      'apply',
      '--server-side',
      '--field-manager',
      'team-a',
      '-f',
      file(deploymentYaml(ns, 's')),
    ]);
    expect(back.code).toBe(1);
    expect(back.stderr).toContain('conflict with "team-b": .spec.replicas');
  });

  it('edit rewrites the object through the editor', async () => {
    const ns = await freshNamespace(ts, 'edit');
    await ok(['apply', '-f', file(deploymentYaml(ns, 'e'))]);
    const editor = join(home, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/image: nginx:1/image: nginx:9/" "$1"\n');
    chmodSync(editor, 0o755);
    expect(await ok(['edit', '-n', ns, 'deploy/e'], { EDITOR: editor, KUBE_EDITOR: editor })).toBe(
      'deployment.apps/e edited\n',
    );
    const live = await ts.apps.readNamespacedDeployment({ name: 'e', namespace: ns });
    expect(live.spec?.template.spec?.containers[0]?.image).toBe('nginx:9');
    // an editor that changes nothing cancels the edit
    const noop = join(home, 'noop.sh');
    writeFileSync(noop, '#!/bin/sh\ntrue\n');
    chmodSync(noop, 0o755);
    const cancelled = await kubectl(['edit', '-n', ns, 'deploy/e'], {
      EDITOR: noop,
      KUBE_EDITOR: noop,
    });
    expect(cancelled.code).toBe(0);
    expect(cancelled.stderr).toContain('Edit cancelled, no changes made.');
  });

  it('get shows the deployment columns, explain and the printer columns of the project CRDs', async () => {
    const ns = await freshNamespace(ts, 'cols');
    await ok(['apply', '-f', file(deploymentYaml(ns, 'cols', { replicas: 2 }))]);
    const table = await eventually(async () => {
      const t = rows(await ok(['get', 'deploy', '-n', ns]));
      return t[1]?.[1] === '2/2' ? t : undefined;
    }, 'the deployment to be ready');
    expect(table).toEqual([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      ['cols', '2/2', '2', '2', expect.stringMatching(/^\d+s$/) as string],
    ]);

    const crds = readdirSync(crdDir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => ['-f', join(crdDir, f)]);
    await ok(['apply', '--server-side', ...crds]);
    await ok(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=20s']);
    // explain reads the CRD's schema from the served OpenAPI; built-ins list their top-level fields
    const explained = await ok(['explain', 'packages.spec']);
    expect(explained).toContain('KIND:       Package');
    expect(explained).toMatch(/image\t<string> -required-/);
    expect(await ok(['explain', 'deployment'])).toMatch(/GROUP: +apps\nKIND: +Deployment/);
    const cr = (kind: string, name: string, spec: string): string =>
      file(
        `apiVersion: package-operator.run/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${spec}`,
      );
    await ok(['apply', '-f', cr('Package', 'pkg', '  image: quay.io/example/pkg:1\n')]);
    await ok(['apply', '-f', cr('ObjectSet', 'os', '  revision: 3\n  phases: []\n')]);
    await ok([
      'apply',
      '-f',
      cr(
        'ObjectDeployment',
        'od',
        '  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {phases: []}\n',
      ),
    ]);
    // a controller reports status through /status; the columns show it
    const status = {
      status: {
        phase: 'Available',
        revision: 3,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'Available',
            message: '',
            lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          },
        ],
      },
    };
    for (const plural of ['packages/pkg', 'objectsets/os', 'objectdeployments/od']) {
      const r = await raw(
        ts.server,
        'PATCH',
        `/apis/package-operator.run/v1alpha1/namespaces/${ns}/${plural}/status`,
        status,
        { 'content-type': 'application/merge-patch+json' },
      );
      expect(r.status, r.text).toBe(200);
    }
    const age = expect.stringMatching(/^\d+s$/) as string;
    expect(rows(await ok(['get', 'packages', '-n', ns]))).toEqual([
      ['NAME', 'STATUS', 'AVAILABLE', 'PROGRESSING', 'UNPACKED', 'INVALID', 'REVISION', 'AGE'],
      ['pkg', 'Available', 'True', '', '', '', '3', age].filter((c) => c !== ''),
    ]);
    const os = rows(await ok(['get', 'objectsets', '-n', ns]));
    expect(os[0]).toEqual(['NAME', 'AVAILABLE', 'PAUSED', 'REVISION', 'AGE']);
    expect(os[1]).toEqual(['os', 'True', '3', age]);
    const osWide = rows(await ok(['get', 'objectsets', '-n', ns, '-o', 'wide']));
    expect(osWide[0]).toEqual([
      'NAME',
      'AVAILABLE',
      'PAUSED',
      'ARCHIVED',
      'SUCCEEDED',
      'INTRANSITION',
      'REVISION',
      'AGE',
    ]);
    expect(rows(await ok(['get', 'objectdeployments', '-n', ns]))).toEqual([
      ['NAME', 'STATUS', 'AVAILABLE', 'REVISION', 'PROGRESSING', 'PAUSED', 'AGE'],
      ['od', 'Available', 'True', '3', age],
    ]);
  });

  it('get -w on deployments streams Table rows as the simulator rolls out', async () => {
    const ns = await freshNamespace(ts, 'watch');
    await ok(['apply', '-f', file(deploymentYaml(ns, 'w', { replicas: 2 }))]);
    const p = spawn('kubectl', ['get', 'deploy', '-n', ns, '-w'], { env });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await eventually(() => out.includes('\n'), 'the first rows');
      await ok(['scale', '-n', ns, 'deploy/w', '--replicas=3']);
      await eventually(() => /\bw\s+3\/3\s+3\s+3\b/.test(out), 'the scaled, ready row');
    } finally {
      p.kill();
    }
    const t = rows(out);
    expect(t[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    // one header only: every watch event was a Table row, not a plain object
    expect(t.filter((r) => r[0] === 'NAME')).toHaveLength(1);
    expect(t.slice(1).every((r) => r[0] === 'w' && r.length === 5)).toBe(true);
  });
});
