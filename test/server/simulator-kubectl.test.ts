// kubectl's own waiting commands pass against the server because the simulator rolls workloads out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasKubectl,
  startKubectlEnv,
  warnIfNoKubectl,
  type KubectlEnv,
} from './kubectl-helpers.js';
import { freshNamespace, type TestServer } from './helpers.js';

warnIfNoKubectl('the simulator kubectl tests');

let k: KubectlEnv;
let ts: TestServer;

const kubectl = (args: string[], input = '') => k.run(args, { input });

function deploymentYaml(name: string, ns: string, annotations = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
${annotations ? `  annotations:\n${annotations}\n` : ''}spec:
  replicas: 2
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;
}

describe.skipIf(!hasKubectl)('kubectl against the simulator', () => {
  beforeAll(async () => {
    k = await startKubectlEnv('packsync-sim-kubectl-', {
      // A real delay, so that kubectl has to wait for the rollout.
      simulator: { delayMs: 500 },
    });
    ({ ts } = k);
  });
  afterAll(async () => {
    await k.stop();
  });

  it('rollout status waits for the deployment and reports success', async () => {
    const ns = await freshNamespace(ts);
    const applied = await kubectl(['apply', '-f', '-'], deploymentYaml('web', ns));
    expect(applied.code, applied.stderr).toBe(0);
    const r = await kubectl(['rollout', 'status', 'deploy/web', '-n', ns, '--timeout=30s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('deployment "web" successfully rolled out');
  });

  it('wait --for=condition=Available passes once the deployment is available', async () => {
    const ns = await freshNamespace(ts);
    expect((await kubectl(['apply', '-f', '-'], deploymentYaml('api', ns))).code).toBe(0);
    const r = await kubectl([
      'wait',
      '--for=condition=Available',
      'deploy/api',
      '-n',
      ns,
      '--timeout=30s',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('deployment.apps/api condition met');
    const get = await kubectl(['get', 'deploy/api', '-n', ns, '--no-headers']);
    expect(get.stdout.trim().split(/\s+/).slice(0, 4)).toEqual(['api', '2/2', '2', '2']);
  });

  it('rollout status fails for a deployment that exceeded its progress deadline', async () => {
    const ns = await freshNamespace(ts);
    const yaml = deploymentYaml(
      'late',
      ns,
      '    simulator.packsync.dev/progress-deadline-exceeded: "true"',
    );
    expect((await kubectl(['apply', '-f', '-'], yaml)).code).toBe(0);
    const r = await kubectl(['rollout', 'status', 'deploy/late', '-n', ns, '--timeout=30s']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('deployment "late" exceeded its progress deadline');
  });

  it('rollout status passes for a StatefulSet and a DaemonSet', async () => {
    const ns = await freshNamespace(ts);
    const pod = `  selector:
    matchLabels: {app: s}
  template:
    metadata:
      labels: {app: s}
    spec:
      containers:
      - name: c
        image: busybox:1.36
`;
    const yaml = `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ${ns}}
spec:
  replicas: 2
  serviceName: db
  updateStrategy: {type: RollingUpdate}
${pod}---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: ${ns}}
spec:
  updateStrategy: {type: RollingUpdate}
${pod}`;
    const applied = await kubectl(['apply', '-f', '-'], yaml);
    expect(applied.code, applied.stderr).toBe(0);
    const sts = await kubectl(['rollout', 'status', 'statefulset/db', '-n', ns, '--timeout=30s']);
    expect(sts.code, sts.stderr).toBe(0);
    expect(sts.stdout).toContain('statefulset rolling update complete 2 pods at revision db-');
    const ds = await kubectl(['rollout', 'status', 'daemonset/agent', '-n', ns, '--timeout=30s']);
    expect(ds.code, ds.stderr).toBe(0);
    expect(ds.stdout).toContain('daemon set "agent" successfully rolled out');
  });

  it('wait --for=condition=complete passes for a Job', async () => {
    const ns = await freshNamespace(ts);
    const create = await kubectl([
      'create',
      'job',
      'once',
      '-n',
      ns,
      '--image=busybox:1.36',
      '--',
      'true',
    ]);
    expect(create.code, create.stderr).toBe(0);
    const r = await kubectl([
      'wait',
      '--for=condition=complete',
      'job/once',
      '-n',
      ns,
      '--timeout=30s',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('job.batch/once condition met');
  });
});
