/** What the server knows about a served resource: names, scope, verbs, rules per kind. */

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

export interface ScaleSpec {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  status: boolean;
  scale: ScaleSpec | undefined;
  /** Keeps metadata.generation (CRs, CRDs, workloads). */
  generation: boolean;
  /** PUT without resourceVersion allowed. */
  unconditionalUpdate: boolean;
  /** PUT of a missing object creates it. */
  createOnUpdate: boolean;
  /** Top-level fields a Strict decode accepts for built-ins; undefined = use `schema`. */
  topLevelFields?: readonly string[];
  /** OpenAPI v3 schema of the kind (CRD versions; shallow for built-ins). */
  schema?: Record<string, unknown>;
  /** Extra field selectors besides metadata.name/namespace. */
  fieldSelectors: readonly string[];
  printerColumns: PrinterColumn[];
  /** Name of the CRD that serves this resource. */
  crd?: string;
  /** Versions of the same resource (CRDs), storage first. */
  storageVersion: string;
}

/** `<group>/<plural>`: the storage key of a resource, shared by all its versions. */
export function resourceKey(t: { group: string; plural: string }): string {
  return `${t.group}/${t.plural}`;
}

export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}
