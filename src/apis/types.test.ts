// Compile-time checks of the inferred types other modules program against (tsc runs on tests too).
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseObject } from './index.js';
import type {
  ClusterGitSync,
  CollisionProtection,
  Condition,
  GitSync,
  KindObject,
  KindObjectInput,
  KubeObject,
  ObjectDeployment,
  ObjectSet,
  ObjectSetLifecycleState,
  Package,
  PackageManifest,
  PackagePhase,
} from './index.js';

describe('inferred types', () => {
  it('are plain where a field is required or defaulted, optional otherwise', () => {
    expectTypeOf<Package['apiVersion']>().toEqualTypeOf<'package-operator.run/v1alpha1'>();
    expectTypeOf<Package['kind']>().toEqualTypeOf<'Package'>();
    expectTypeOf<Package['spec']['image']>().toEqualTypeOf<string>();
    expectTypeOf<Package['spec']['config']>().toEqualTypeOf<Record<string, unknown> | undefined>();
    expectTypeOf<Package['status']['phase']>().toEqualTypeOf<PackagePhase | undefined>();
    expectTypeOf<Package['status']['conditions']>().toEqualTypeOf<Condition[] | undefined>();
    expectTypeOf<ObjectSet['spec']['lifecycleState']>().toEqualTypeOf<ObjectSetLifecycleState>();
    expectTypeOf<ObjectDeployment['spec']['revisionHistoryLimit']>().toEqualTypeOf<number>();
    expectTypeOf<GitSync['spec']['interval']>().toEqualTypeOf<string>();
    expectTypeOf<GitSync['spec']['ref']['branch']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ClusterGitSync['spec']['secretRef']>().toEqualTypeOf<
      { name: string; namespace: string } | undefined
    >();
    expectTypeOf<KindObject<'PackageManifest'>>().toEqualTypeOf<PackageManifest>();
  });

  it('types phase objects as Kubernetes objects', () => {
    type Obj = NonNullable<NonNullable<ObjectSet['spec']['phases']>[number]['objects']>[number];
    expectTypeOf<Obj['object']>().toEqualTypeOf<KubeObject>();
    expectTypeOf<Obj['collisionProtection']>().toEqualTypeOf<CollisionProtection>();
    expectTypeOf<Condition['status']>().toEqualTypeOf<'True' | 'False' | 'Unknown'>();
  });

  it('let writers leave out what has a default, and nothing else', () => {
    // status, apiVersion, kind, revisionHistoryLimit, collisionProtection and the probe status all
    // have defaults: a writer may leave them out and the parser fills them in.
    const od: KindObjectInput<'ObjectDeployment'> = {
      metadata: { name: 'nginx' },
      spec: {
        selector: { matchLabels: { app: 'nginx' } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: {
            phases: [
              { name: 'deploy', objects: [{ object: { apiVersion: 'v1', kind: 'ConfigMap' } }] },
            ],
            availabilityProbes: [
              {
                probes: [{ condition: { type: 'Available' } }],
                selector: { kind: { group: 'apps', kind: 'Deployment' } },
              },
            ],
          },
        },
      },
    };
    const parsed = parseObject('ObjectDeployment', od);
    expect(parsed.ok && parsed.value.spec.revisionHistoryLimit).toBe(10);
    expectTypeOf<undefined>().toExtend<KindObjectInput<'ObjectDeployment'>['status']>();
    expectTypeOf<undefined>().not.toExtend<KindObjectInput<'ObjectDeployment'>['spec']>();
    // @ts-expect-error -- spec.selector has no default: a writer must give it.
    const missing: KindObjectInput<'ObjectDeployment'> = { spec: { template: od.spec.template } };
    expect(parseObject('ObjectDeployment', missing).ok).toBe(false);
  });
});
