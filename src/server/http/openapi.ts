/**
 * OpenAPI v3 documents generated from the registry: the root lists every group version; a group
 * version document has per resource the paths kubectl's field-validation check reads (a `patch`
 * operation declaring `fieldValidation` and `x-kubernetes-group-version-kind`) and the schemas we
 * know (every CRD's openAPIV3Schema; the built-in kinds' from `builtin-schemas.ts`, else shallow
 * ones listing their top-level fields).
 */
import { createHash } from 'node:crypto';
import { builtinSchema, referencedSchemas, type Schema } from '../registry/builtin-schemas.js';
import type { Registry } from '../registry/registry.js';
import { apiVersionOf, type ResourceType } from '../registry/types.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(t: ResourceType): string {
  const g = t.group || 'core';
  const rev = g.split('.').reverse().join('.');
  return t.crd !== undefined
    ? `${rev}.${t.version}.${t.kind}`
    : `io.k8s.api.${g.split('.')[0] ?? g}.${t.version}.${t.kind}`;
}

export function gvDocument(
  reg: Registry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const types = reg.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const objectMeta = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
  const schemas: Record<string, unknown> = {
    [objectMeta]: builtinSchema(objectMeta) ?? {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    },
  };
  const kindSchemas: Schema[] = [schemas[objectMeta] as Schema];
  const prefix = `/${gvPath(group, version)}`;
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const ref = { $ref: `#/components/schemas/${schemaName(t)}` };
    const json = { 'application/json': { schema: ref } };
    const params = [
      { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
    ];
    const patchBody: Record<string, unknown> = {
      'application/json-patch+json': { schema: { type: 'object' } },
      'application/merge-patch+json': { schema: { type: 'object' } },
      'application/apply-patch+yaml': { schema: { type: 'object' } },
    };
    // No strategic-merge-patch entry: our built-in schemas are partial (and some shallow), so
    // kubectl must not build SMP from them; without the entry it falls back to its compiled-in
    // types (accepted here).
    const item = t.namespaced
      ? `${prefix}/namespaces/{namespace}/${t.plural}/{name}`
      : `${prefix}/${t.plural}/{name}`;
    const coll = t.namespaced
      ? `${prefix}/namespaces/{namespace}/${t.plural}`
      : `${prefix}/${t.plural}`;
    paths[item] = {
      get: {
        operationId: `read${t.kind}`,
        responses: { '200': { content: json } },
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
      },
      put: {
        operationId: `replace${t.kind}`,
        requestBody: { content: json },
        responses: { '200': { content: json } },
        parameters: params,
        'x-kubernetes-action': 'put',
        'x-kubernetes-group-version-kind': gvk,
      },
      patch: {
        operationId: `patch${t.kind}`,
        requestBody: { content: patchBody },
        responses: { '200': { content: json } },
        parameters: [
          ...params,
          { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } },
        ],
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
      },
      delete: {
        operationId: `delete${t.kind}`,
        responses: { '200': { content: json } },
        'x-kubernetes-action': 'delete',
        'x-kubernetes-group-version-kind': gvk,
      },
    };
    paths[coll] = {
      get: {
        operationId: `list${t.kind}`,
        responses: { '200': { content: json } },
        'x-kubernetes-action': 'list',
        'x-kubernetes-group-version-kind': gvk,
      },
      post: {
        operationId: `create${t.kind}`,
        requestBody: { content: json },
        responses: { '201': { content: json } },
        parameters: params,
        'x-kubernetes-action': 'post',
        'x-kubernetes-group-version-kind': gvk,
      },
    };
    const base = t.schema ??
      (t.crd === undefined ? builtinSchema(schemaName(t)) : undefined) ?? {
        type: 'object',
        properties: Object.fromEntries(
          (t.topLevelFields ?? [])
            .filter((f) => f !== 'metadata')
            .map((f) => [f, { 'x-kubernetes-preserve-unknown-fields': true }]),
        ),
      };
    const props = (base.properties as Record<string, unknown> | undefined) ?? {};
    schemas[schemaName(t)] = {
      ...base,
      properties: {
        ...props,
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
      },
      'x-kubernetes-group-version-kind': [gvk],
    };
    if (t.crd === undefined) kindSchemas.push(base);
  }
  for (const [name, s] of Object.entries(referencedSchemas(kindSchemas))) schemas[name] ??= s;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

export function hashOf(doc: unknown): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 64).toUpperCase();
}

export function rootDocument(reg: Registry): unknown {
  const paths: Record<string, unknown> = {};
  for (const g of reg.groups()) {
    for (const v of g.versions) {
      const doc = gvDocument(reg, g.group, v);
      const p = gvPath(g.group, v);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(doc)}` };
    }
  }
  return { paths };
}

export { apiVersionOf };
