// Compile-time checks of the inferred types other modules program against (tsc runs on tests too).
import { describe, expectTypeOf, it } from 'vitest';
import type {
  ClusterGitSync,
  CollisionProtection,
  Condition,
  GitSync,
  KindObject,
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
});
