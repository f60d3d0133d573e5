/**
 * TypeSchema from an OpenAPI v3 (CRD structural) schema, following kube-openapi's conversion to
 * structured-merge-diff: lists atomic unless `x-kubernetes-list-type` says set/map, maps and
 * structs granular unless `x-kubernetes-map-type: atomic`, preserve-unknown-fields subtrees deduced.
 */
import { isPlainObject } from './json-merge-patch.js';
import type { ListSchema, MapSchema, TypeSchema } from './types.js';

export const deducedSchema: TypeSchema = { type: 'deduced' };
const scalar: TypeSchema = { type: 'scalar' };

const stringMap: MapSchema = { type: 'map', elementType: scalar, mapType: 'granular' };

/** ObjectMeta as every kind carries it (labels and annotations granular, finalizers a set). */
export const objectMetaSchema: MapSchema = {
  type: 'map',
  mapType: 'granular',
  elementType: deducedSchema,
  fields: {
    labels: stringMap,
    annotations: stringMap,
    finalizers: {
      type: 'list',
      elementType: scalar,
      listType: 'set',
      patchStrategy: 'merge',
    },
    ownerReferences: {
      type: 'list',
      elementType: { type: 'map', mapType: 'granular', elementType: deducedSchema, fields: {} },
      listType: 'map',
      keys: ['uid'],
      patchStrategy: 'merge',
      patchMergeKey: 'uid',
    },
    managedFields: { type: 'list', elementType: deducedSchema, listType: 'atomic' },
  },
};

/**
 * The schema of a custom resource from its version's `openAPIV3Schema`: apiVersion, kind and
 * metadata are always known, as the apiserver adds them to every CRD schema.
 */
export function typeSchemaFromOpenAPI(schema: unknown): TypeSchema {
  const root = convert(schema);
  const base: MapSchema =
    root.type === 'map' ? root : { type: 'map', mapType: 'granular', elementType: deducedSchema };
  return withObjectFields(base);
}

function withObjectFields(m: MapSchema): MapSchema {
  return {
    ...m,
    fields: { ...m.fields, apiVersion: scalar, kind: scalar, metadata: objectMetaSchema },
  };
}

function convert(s: unknown): TypeSchema {
  if (!isPlainObject(s)) return deducedSchema;
  if (s['x-kubernetes-int-or-string'] === true) return scalar;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const type = typeof s.type === 'string' ? s.type : undefined;
  switch (type) {
    case 'object':
      return convertObject(s, preserve);
    case 'array':
      return convertArray(s);
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return scalar;
    default:
      if (isPlainObject(s.properties) || isPlainObject(s.additionalProperties)) {
        return convertObject(s, preserve);
      }
      if (isPlainObject(s.items)) return convertArray(s);
      return deducedSchema;
  }
}

function convertObject(s: Record<string, unknown>, preserve: boolean): TypeSchema {
  const props = isPlainObject(s.properties) ? s.properties : undefined;
  const additional = s.additionalProperties;
  const mapType = s['x-kubernetes-map-type'] === 'atomic' ? 'atomic' : 'granular';
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (!props && !isPlainObject(additional) && additional !== true && !embedded) {
    // An object without a declared shape: everything in it is deduced.
    if (mapType === 'atomic') return { type: 'map', mapType, elementType: deducedSchema };
    return deducedSchema;
  }
  const out: MapSchema = { type: 'map', mapType };
  if (props || embedded) {
    const fields: Record<string, TypeSchema> = {};
    for (const [name, p] of Object.entries(props ?? {})) fields[name] = convert(p);
    if (embedded) {
      fields.apiVersion = scalar;
      fields.kind = scalar;
      fields.metadata = objectMetaSchema;
    }
    out.fields = fields;
  }
  if (isPlainObject(additional)) out.elementType = convert(additional);
  else if (preserve || additional === true) out.elementType = deducedSchema;
  if (s['x-kubernetes-patch-strategy'] === 'retainKeys') out.retainKeys = true;
  return out;
}

function convertArray(s: Record<string, unknown>): TypeSchema {
  const listType = s['x-kubernetes-list-type'];
  const out: ListSchema = {
    type: 'list',
    elementType: convert(s.items),
    listType: listType === 'set' || listType === 'map' ? listType : 'atomic',
  };
  const keys = s['x-kubernetes-list-map-keys'];
  if (out.listType === 'map' && Array.isArray(keys)) {
    out.keys = keys.filter((k): k is string => typeof k === 'string');
    const props = isPlainObject(s.items) ? s.items.properties : undefined;
    for (const k of out.keys) {
      const p = isPlainObject(props) ? props[k] : undefined;
      if (isPlainObject(p) && p.default !== undefined) {
        out.keyDefaults = { ...out.keyDefaults, [k]: p.default };
      }
    }
  }
  const strategy = s['x-kubernetes-patch-strategy'];
  if (strategy === 'merge' || strategy === 'replace' || strategy === 'merge,retainKeys') {
    out.patchStrategy = strategy;
  }
  if (typeof s['x-kubernetes-patch-merge-key'] === 'string') {
    out.patchMergeKey = s['x-kubernetes-patch-merge-key'];
  }
  return out;
}
