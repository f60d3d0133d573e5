import { describe, expect, it } from 'vitest';
import { builtinTypes } from './builtins.js';
import { builtinSchema, builtinSchemaNames, referencedSchemas } from './builtin-schemas.js';

function refsOf(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) refsOf(x, out);
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else refsOf(x, out);
    }
  }
  return out;
}

describe('built-in schemas', () => {
  it('resolve every reference they make', () => {
    const names = new Set(builtinSchemaNames());
    const dangling = builtinSchemaNames().flatMap((n) =>
      refsOf(builtinSchema(n))
        .map((r) => r.replace('#/components/schemas/', ''))
        .filter((r) => !names.has(r))
        .map((r) => `${n} -> ${r}`),
    );
    expect(dangling).toEqual([]);
  });

  it('cover the common kinds, each a served built-in with only top-level fields it accepts', () => {
    const common = [
      'Deployment',
      'Service',
      'ConfigMap',
      'Secret',
      'ServiceAccount',
      'Namespace',
      'Role',
      'RoleBinding',
      'ClusterRole',
      'ClusterRoleBinding',
      'Lease',
      'Job',
      'StatefulSet',
      'DaemonSet',
      'Pod',
    ];
    for (const kind of common) {
      const t = builtinTypes.find((b) => b.kind === kind);
      expect(t, kind).toBeDefined();
      const g = t?.group || 'core';
      const s = builtinSchema(`io.k8s.api.${g.split('.')[0]}.${t?.version}.${kind}`);
      expect(s, kind).toBeDefined();
      const props = Object.keys((s?.properties as Record<string, unknown>) ?? {});
      expect(
        props.filter((p) => !t?.topLevelFields?.includes(p)),
        kind,
      ).toEqual([]);
    }
  });

  it('collects what a schema references, transitively', () => {
    const deployment = builtinSchema('io.k8s.api.apps.v1.Deployment');
    const names = Object.keys(referencedSchemas(deployment ? [deployment] : []));
    expect(names).toContain('io.k8s.api.core.v1.Container');
    expect(names).toContain('io.k8s.apimachinery.pkg.util.intstr.IntOrString');
    expect(names).not.toContain('io.k8s.api.core.v1.ServiceSpec');
  });
});
