/**
 * A kind: its names (group, version, plural, short names, ...), its schema and, for custom resources,
 * what its CRD says beyond the schema (printer columns, status subresource).
 */
import type { JSONSchemaProps } from './openapi.js';
import {
  s,
  type Infer,
  type InputObjectOf,
  type ObjectOf,
  type Schema,
  type Shape,
} from './schema.js';

export type Scope = 'Namespaced' | 'Cluster';

/** `additionalPrinterColumns` entry of a CRD version. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

export interface KindDef<T = unknown, I = T> {
  group: string;
  version: string;
  /** `group/version`. */
  apiVersion: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  categories: readonly string[];
  scope: Scope;
  description: string;
  /** The whole object, including `apiVersion`, `kind` and `metadata`. */
  schema: Schema<T, true, I, boolean>;
  /**
   * `metadata` and `status` alone: what changes while `metadata.generation` stays (for kinds with
   * a status subresource every other change bumps it). Parses what a new resourceVersion of an
   * already parsed generation brings.
   */
  metadataAndStatus: Schema<Partial<T>, true, unknown, boolean>;
  /** Custom resources only: printer columns and subresources. File formats have no CRD. */
  crd?: {
    printerColumns: readonly PrinterColumn[];
    statusSubresource: boolean;
  };
}

export interface KindOptions {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: readonly string[];
  categories?: readonly string[];
  scope: Scope;
  description: string;
  crd?: KindDef['crd'];
}

const rootDescriptions: Record<string, JSONSchemaProps> = {
  apiVersion: {
    description:
      'APIVersion defines the versioned schema of this representation of an object.\n' +
      'Servers should convert recognized schemas to the latest internal value, and\n' +
      'may reject unrecognized values.\n' +
      'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources',
    type: 'string',
  },
  kind: {
    description:
      'Kind is a string value representing the REST resource this object represents.\n' +
      'Servers may infer this from the endpoint the client submits requests to.\n' +
      'Cannot be updated.\n' +
      'In CamelCase.\n' +
      'More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
    type: 'string',
  },
  metadata: { type: 'object' },
};

type RootShape<O extends KindOptions, M extends AnyNode, S extends Shape> = {
  apiVersion: Schema<`${O['group']}/${O['version']}`, true, `${O['group']}/${O['version']}`, false>;
  kind: Schema<O['kind'], true, O['kind'], false>;
  metadata: M;
} & S;
type Root<O extends KindOptions, M extends AnyNode, S extends Shape> = ObjectOf<RootShape<O, M, S>>;
type RootInput<O extends KindOptions, M extends AnyNode, S extends Shape> = InputObjectOf<
  RootShape<O, M, S>
>;
type AnyNode = Shape[string];

/**
 * Defines a kind from its top-level fields (`spec`, `status`, or `objects` for slices). `apiVersion`
 * and `kind` default to the kind's own and reject any other value; `metadata` is `metadata`.
 */
export function defineKind<const O extends KindOptions, M extends AnyNode, S extends Shape>(
  options: O,
  metadata: M,
  fields: S,
): KindDef<Root<O, M, S>, RootInput<O, M, S>> {
  const apiVersion = `${options.group}/${options.version}` as `${O['group']}/${O['version']}`;
  const root = s
    .object({
      apiVersion: s.enum([apiVersion]).default(apiVersion as never),
      kind: s.enum([options.kind]).default(options.kind as never),
      metadata,
      ...fields,
    })
    .description(options.description);
  // The API server fills and validates apiVersion, kind and metadata itself: the CRD keeps them plain.
  const properties = { ...root.openapi.properties, ...rootDescriptions };
  const schema = root.openapiPatch({
    properties: Object.fromEntries(Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : 1))),
  }) as unknown as Schema<Root<O, M, S>, true, RootInput<O, M, S>, boolean>;
  const def: KindDef<Root<O, M, S>, RootInput<O, M, S>> = {
    group: options.group,
    version: options.version,
    apiVersion,
    kind: options.kind,
    listKind: `${options.kind}List`,
    plural: options.plural,
    singular: options.kind.toLowerCase(),
    shortNames: options.shortNames ?? [],
    categories: options.categories ?? [],
    scope: options.scope,
    description: options.description,
    schema,
    metadataAndStatus: s.object({
      metadata,
      ...('status' in fields ? { status: fields.status } : {}),
    }) as unknown as Schema<Partial<Root<O, M, S>>, true, unknown, boolean>,
  };
  if (options.crd) def.crd = options.crd;
  return def;
}

/** The object type a kind definition parses to. */
export type KindType<K> = K extends KindDef<infer T, unknown> ? T : never;

/** The object type a writer may give (defaulted and optional fields may be left out). */
export type KindInput<K> = K extends KindDef<unknown, infer I> ? I : never;

/** Printer column showing a condition's status. */
export function conditionColumn(type: string, priority?: number): PrinterColumn {
  const col: PrinterColumn = {
    name: type.includes('/') ? type.slice(type.indexOf('/') + 1) : type,
    type: 'string',
    jsonPath: `.status.conditions[?(@.type=="${type}")].status`,
  };
  if (priority !== undefined) col.priority = priority;
  return col;
}

export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};

export type { Infer };
