/**
 * apiextensions.k8s.io/v1 CustomResourceDefinitions generated from the kind registry: structural
 * openAPIV3Schema, status subresource, printer columns, short names, categories and the CEL rules of
 * the schema nodes. `crds/` is this module's output (`npm run crds:generate`), never edited by hand.
 */
import { stringify } from 'yaml';
import type { JSONSchemaProps } from './openapi.js';
import type { KindDef, PrinterColumn, Scope } from './kind.js';
import { customResourceKinds } from './registry.js';

export interface CustomResourceDefinitionVersion {
  name: string;
  served: boolean;
  storage: boolean;
  additionalPrinterColumns?: PrinterColumn[];
  schema: { openAPIV3Schema: JSONSchemaProps };
  subresources?: { status?: Record<string, never> };
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: Scope;
    versions: CustomResourceDefinitionVersion[];
  };
}

/** The CRD of one custom resource kind. Throws for file formats (they have no CRD). */
export function crdFor(def: KindDef): CustomResourceDefinition {
  if (!def.crd) throw new Error(`${def.kind} is not a custom resource`);
  const names: CustomResourceDefinition['spec']['names'] = {
    kind: def.kind,
    listKind: def.listKind,
    plural: def.plural,
    singular: def.singular,
  };
  if (def.shortNames.length > 0) names.shortNames = [...def.shortNames];
  if (def.categories.length > 0) names.categories = [...def.categories];
  const version: CustomResourceDefinitionVersion = {
    name: def.version,
    served: true,
    storage: true,
    schema: { openAPIV3Schema: canonical(def.schema.openapi) },
  };
  if (def.crd.printerColumns.length > 0)
    version.additionalPrinterColumns = def.crd.printerColumns.map((c) => ({ ...c }));
  if (def.crd.statusSubresource) version.subresources = { status: {} };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${def.group}`,
      labels: { 'app.kubernetes.io/part-of': 'packsync' },
    },
    spec: { group: def.group, names, scope: def.scope, versions: [version] },
  };
}

/** Values that are data, not schema: their keys keep their order. */
const dataKeys = new Set(['default', 'enum', 'example']);

/** Schema keys in alphabetical order at every level (as controller-gen writes them). */
function canonical(node: JSONSchemaProps): JSONSchemaProps {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(node).sort()) {
    const value = (node as Record<string, unknown>)[key];
    if (dataKeys.has(key) || key === 'x-kubernetes-validations') out[key] = value;
    else if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      const props = value as Record<string, JSONSchemaProps>;
      out[key] = Object.fromEntries(
        Object.keys(props)
          .sort()
          .map((k) => [k, canonical(props[k] as JSONSchemaProps)]),
      );
    } else if (Array.isArray(value) && ['allOf', 'anyOf', 'oneOf', 'items'].includes(key)) {
      out[key] = (value as JSONSchemaProps[]).map(canonical);
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out[key] = canonical(value);
    } else out[key] = value;
  }
  return out;
}

/** Every CRD, in registry order. */
export function crds(): CustomResourceDefinition[] {
  return customResourceKinds().map(crdFor);
}

/** One CRD as YAML (no document marker): stable bytes, YAML 1.1-safe quoting for kubectl. */
export function crdYaml(crd: CustomResourceDefinition): string {
  return stringify(crd, {
    version: '1.1',
    lineWidth: 0,
    minContentWidth: 0,
    aliasDuplicateObjects: false,
  });
}

/** The files of `crds/`: `<group>_<plural>.yaml` (Package Operator's naming), sorted by name. */
export function crdFiles(): { filename: string; content: string }[] {
  return crds()
    .map((crd) => ({
      filename: `${crd.spec.group}_${crd.spec.names.plural}.yaml`,
      content: `---\n${crdYaml(crd)}`,
    }))
    .sort((a, b) => (a.filename < b.filename ? -1 : 1));
}

/** All CRDs as one multi-document YAML stream (`packsync crds | kubectl apply -f -`). */
export function crdsYaml(): string {
  return crdFiles()
    .map((f) => f.content)
    .join('');
}
