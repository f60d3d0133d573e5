/**
 * `kubectl explain` on built-in kinds reads their schemas from the served OpenAPI v3 documents:
 * nested fields of the common kinds resolve through references down to their types.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasKubectl,
  startKubectlEnv,
  warnIfNoKubectl,
  type KubectlEnv,
} from './kubectl-helpers.js';

warnIfNoKubectl('kubectl explain of built-in kinds');

describe.skipIf(!hasKubectl)('kubectl explain on built-in kinds', () => {
  let k: KubectlEnv;
  beforeAll(async () => {
    k = await startKubectlEnv('explain-');
  }, 60_000);
  afterAll(async () => {
    await k?.stop();
  });

  it('explains deployment.spec.replicas and pod.spec.containers', async () => {
    const replicas = await k.ok(['explain', 'deployment.spec.replicas']);
    expect(replicas).toMatch(/GROUP: +apps\n/);
    expect(replicas).toMatch(/KIND: +Deployment\n/);
    expect(replicas).toMatch(/FIELD: +replicas <integer>/);

    const containers = await k.ok(['explain', 'pod.spec.containers']);
    expect(containers).toMatch(/KIND: +Pod\n/);
    expect(containers).toMatch(/FIELD: +containers <\[\]Container>/);
    expect(containers).toMatch(/\n {2}image\t<string>/);
    expect(containers).toMatch(/\n {2}name\t<string> -required-/);
    expect(containers).toMatch(/\n {2}resources\t<ResourceRequirements>/);
  });

  it('resolves fields of every kind that has a full schema', async () => {
    const cases: [string, RegExp][] = [
      ['service.spec.ports.targetPort', /FIELD: +targetPort <IntOrString>/],
      ['configmap.data', /FIELD: +data <map\[string\]string>/],
      ['secret.type', /FIELD: +type <string>/],
      ['serviceaccount.automountServiceAccountToken', /<boolean>/],
      ['namespace.status.phase', /FIELD: +phase <string>/],
      ['role.rules', /\n {2}verbs\t<\[\]string> -required-/],
      ['clusterrolebinding.roleRef', /\n {2}kind\t<string> -required-/],
      ['lease.spec.holderIdentity', /<string>/],
      ['job.spec.template.spec.restartPolicy', /<string>/],
      ['statefulset.spec.serviceName', /<string>/],
      ['daemonset.spec.template.spec.containers.securityContext.runAsNonRoot', /<boolean>/],
      ['deployment.metadata.labels', /<map\[string\]string>/],
    ];
    for (const [path, want] of cases) {
      const r = await k.run(['explain', path]);
      expect({ path, code: r.code, stderr: r.stderr }).toEqual({ path, code: 0, stderr: '' });
      expect(r.stdout, path).toMatch(want);
    }
    const bad = await k.run(['explain', 'deployment.spec.nonsense']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('nonsense');
  });
});
