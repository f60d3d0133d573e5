// Self-hosting, as Package Operator bootstraps itself: packsync installed with `kubectl apply -f
// deploy/`, its manager running, then a ClusterPackage of deploy/package (built and pushed to a
// real registry) takes those very objects over and becomes Available.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { buildControllerSetups } from '../../src/controllers/index.js';
import { startManager, type RunningManager } from '../../src/controllers/runtime/index.js';
import { KubeClient, type KubeObject } from '../../src/kube/index.js';
import { createRegistry } from '../../src/metrics/index.js';
import { buildPackageImage, RegistryClient } from '../../src/oci/index.js';
import { importFolder } from '../../src/packages/index.js';
import { deployDir, packageDir } from '../../scripts/deploy-files.js';
import { eventually } from '../kube/helpers.js';
import {
  missingTools,
  startRegistry,
  warnSkip,
  type RunningRegistry,
} from '../oci/registry-helper.js';
import {
  hasKubectl,
  startKubectlEnv,
  warnIfNoKubectl,
  type KubectlEnv,
} from '../server/kubectl-helpers.js';

const missing = await missingTools(['docker-registry']);
warnSkip('self-hosting test', missing);
warnIfNoKubectl('self-hosting test');

const PKO = 'package-operator.run/v1alpha1';

function condition(obj: KubeObject | undefined, type: string): string | undefined {
  const conds = (obj?.status as { conditions?: { type: string; status: string }[] } | undefined)
    ?.conditions;
  return conds?.find((c) => c.type === type)?.status;
}

describe.skipIf(missing.length > 0 || !hasKubectl)('self-hosting', () => {
  let k: KubectlEnv;
  let client: KubeClient;
  let registry: RunningRegistry;
  let manager: RunningManager;

  beforeAll(async () => {
    registry = await startRegistry();
    k = await startKubectlEnv('packsync-self-');
    client = await KubeClient.fromKubeConfigString(k.ts.server.kubeconfig);
  }, 60_000);
  afterAll(async () => {
    await manager?.stop(1_000);
    client?.close();
    await k?.stop();
    await registry?.stop();
  });

  it('a ClusterPackage of deploy/package adopts the kubectl-applied install and becomes Available', async () => {
    await k.ok(['apply', '-f', deployDir]);
    // The manager as the Deployment runs it: leader election in packsync-system, every controller.
    manager = await startManager({
      kubeconfigYaml: k.ts.server.kubeconfig,
      setups: buildControllerSetups({}),
      metricsAddr: '0',
      healthAddr: '0',
      logger: pino({ level: 'silent' }),
      registry: createRegistry({ processMetrics: false }),
      leaderElection: { namespace: 'packsync-system' },
    });
    expect(manager.elector?.state).toBe('leading');

    const image = `${registry.host}/packsync/packsync-package:v1`;
    const built = await buildPackageImage((await importFolder(packageDir)).files);
    await new RegistryClient({ insecure: true }).pushImage(image, built);
    await client.create({
      apiVersion: PKO,
      kind: 'ClusterPackage',
      metadata: { name: 'packsync' },
      spec: { image },
    });
    const ref = { apiVersion: PKO, kind: 'ClusterPackage', name: 'packsync' };
    const pkg = await eventually(
      async () => {
        const p = await client.get(ref);
        return condition(p, 'Available') === 'True' && p;
      },
      'ClusterPackage packsync to become Available',
      60_000,
    );
    expect(condition(pkg, 'Unpacked')).toBe('True');
    // The objects kubectl created are now controlled by the package's ClusterObjectSet.
    const deployment = await client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'packsync-system',
      name: 'packsync-manager',
    });
    const owner = deployment?.metadata.ownerReferences?.find((o) => o.controller === true);
    expect(owner?.kind).toBe('ClusterObjectSet');
    expect(deployment?.metadata.labels?.['package-operator.run/package']).toBe('packsync');
  }, 90_000);
});
