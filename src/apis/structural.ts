/**
 * Checks that a CRD's openAPIV3Schema is structural, as the API server demands for
 * apiextensions.k8s.io/v1 (Kubernetes docs "Specifying a structural schema"), plus the CRD schema
 * rules the server enforces on top (no $ref, no uniqueItems, list-map keys, embedded resources, ...).
 * Returns every violation as `path: message`; empty means the schema is accepted.
 */
import type { JSONSchemaProps } from './openapi.js';

const types = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const junctors = ['allOf', 'anyOf', 'oneOf', 'not'] as const;
const forbidden = [
  '$ref',
  '$schema',
  'id',
  'definitions',
  'dependencies',
  'patternProperties',
  'additionalItems',
] as const;
/** What a node inside allOf/anyOf/oneOf/not may not say (value validations only). */
const notInJunctors = [
  'description',
  'type',
  'default',
  'additionalProperties',
  'nullable',
] as const;

interface Ctx {
  errors: string[];
  /** Inside a logical junctor. */
  inJunctor: boolean;
}

/** Structural-schema violations of a CRD version's `openAPIV3Schema`. */
export function structuralErrors(root: JSONSchemaProps): string[] {
  const ctx: Ctx = { errors: [], inJunctor: false };
  if (root.type !== 'object') ctx.errors.push('type: Required value: must be object at the root');
  if ('default' in root) ctx.errors.push('default: Forbidden: must not be set at the root');
  walk(root, '', ctx, true);
  checkMetadata(root, '', ctx);
  return ctx.errors;
}

function at(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

function walk(node: JSONSchemaProps, path: string, ctx: Ctx, needsType: boolean): void {
  const err = (field: string, message: string): void => {
    ctx.errors.push(`${at(path, field)}: ${message}`);
  };
  const preserve = node['x-kubernetes-preserve-unknown-fields'];
  const intOrString = node['x-kubernetes-int-or-string'] === true;

  for (const key of forbidden) if (key in node) err(key, 'Forbidden: not allowed in a CRD schema');
  if (node.uniqueItems === true) err('uniqueItems', 'Forbidden: uniqueItems cannot be set to true');
  if (preserve === false)
    err('x-kubernetes-preserve-unknown-fields', 'Invalid value: must be true or undefined');

  if (node.type !== undefined && !types.has(node.type))
    err('type', `Unsupported value: "${node.type}"`);
  if (needsType && !ctx.inJunctor && node.type === undefined && preserve !== true && !intOrString) {
    err('type', 'Required value: must not be empty for specified fields');
  }
  if (intOrString && node.type !== undefined) {
    err('type', 'Invalid value: must be empty with x-kubernetes-int-or-string');
  }

  if (ctx.inJunctor) {
    for (const key of notInJunctors) {
      if (key in node)
        err(key, 'Forbidden: must not be specified inside allOf, anyOf, oneOf or not');
    }
  }

  if (node.properties !== undefined && node.additionalProperties !== undefined) {
    err(
      'additionalProperties',
      'Forbidden: additionalProperties and properties are mutually exclusive',
    );
  }
  if (typeof node.additionalProperties === 'boolean') {
    err('additionalProperties', 'Forbidden: must be a schema, not a boolean');
  }
  if (node.properties !== undefined && node.type !== undefined && node.type !== 'object') {
    err('properties', 'Forbidden: only object nodes have properties');
  }
  if (node.items !== undefined) {
    if (Array.isArray(node.items)) err('items', 'Forbidden: items must be a schema, not a list');
    if (node.type !== undefined && node.type !== 'array')
      err('items', 'Forbidden: only array nodes have items');
  }
  if (node.type === 'array' && node.items === undefined && !ctx.inJunctor) {
    err('items', 'Required value: must be specified for arrays');
  }

  if (node['x-kubernetes-embedded-resource'] === true) {
    if (node.type !== 'object')
      err('type', 'Invalid value: must be object if x-kubernetes-embedded-resource is true');
    if (preserve !== true && node.properties === undefined) {
      err(
        'properties',
        'Required value: embedded resources need properties or x-kubernetes-preserve-unknown-fields',
      );
    }
    checkMetadata(node, path, ctx);
  }

  checkListType(node, path, ctx);

  for (const [name, child] of Object.entries(node.properties ?? {})) {
    walk(child, at(path, `properties[${name}]`), ctx, true);
  }
  if (typeof node.additionalProperties === 'object') {
    walk(node.additionalProperties, at(path, 'additionalProperties'), ctx, true);
  }
  if (node.items !== undefined && !Array.isArray(node.items)) {
    walk(node.items, at(path, 'items'), ctx, true);
  }
  for (const j of junctors) {
    const value = node[j];
    if (value === undefined) continue;
    const list = Array.isArray(value) ? value : [value];
    list.forEach((sub, i) => {
      const subPath = at(path, Array.isArray(value) ? `${j}[${i}]` : j);
      // The one exception: `anyOf: [{type: integer}, {type: string}]` on an int-or-string node.
      if (intOrString && j === 'anyOf' && isIntOrStringAlternative(sub)) return;
      walk(sub, subPath, { errors: ctx.errors, inJunctor: true }, false);
      checkJunctorFields(node, sub, subPath, ctx);
    });
  }
}

function isIntOrStringAlternative(sub: JSONSchemaProps): boolean {
  const keys = Object.keys(sub);
  return keys.length === 1 && (sub.type === 'integer' || sub.type === 'string');
}

/** Fields and items named inside a junctor must also be specified outside it. */
function checkJunctorFields(
  outer: JSONSchemaProps,
  inner: JSONSchemaProps,
  path: string,
  ctx: Ctx,
): void {
  for (const [name, sub] of Object.entries(inner.properties ?? {})) {
    const outside = outer.properties?.[name];
    if (outside === undefined) {
      ctx.errors.push(
        `${at(path, `properties[${name}]`)}: Required value: must be specified outside the logical junctor`,
      );
    } else checkJunctorFields(outside, sub, at(path, `properties[${name}]`), ctx);
  }
  if (inner.items !== undefined && !Array.isArray(inner.items)) {
    if (outer.items === undefined || Array.isArray(outer.items)) {
      ctx.errors.push(
        `${at(path, 'items')}: Required value: must be specified outside the logical junctor`,
      );
    } else checkJunctorFields(outer.items, inner.items, at(path, 'items'), ctx);
  }
}

/** At the root and in embedded resources, metadata may only restrict name and generateName. */
function checkMetadata(node: JSONSchemaProps, path: string, ctx: Ctx): void {
  const meta = node.properties?.metadata;
  if (meta === undefined) return;
  const metaPath = at(path, 'properties[metadata]');
  if (meta.type !== 'object') ctx.errors.push(`${metaPath}.type: Invalid value: must be object`);
  const allowedKeys = new Set(['type', 'properties', 'description']);
  for (const key of Object.keys(meta)) {
    if (!allowedKeys.has(key)) {
      ctx.errors.push(`${metaPath}.${key}: Forbidden: must not be specified for metadata`);
    }
  }
  for (const name of Object.keys(meta.properties ?? {})) {
    if (name !== 'name' && name !== 'generateName') {
      ctx.errors.push(
        `${metaPath}.properties[${name}]: Forbidden: only metadata.name and metadata.generateName may be restricted`,
      );
    }
  }
}

function checkListType(node: JSONSchemaProps, path: string, ctx: Ctx): void {
  const listType = node['x-kubernetes-list-type'];
  const keys = node['x-kubernetes-list-map-keys'];
  const err = (field: string, message: string): void => {
    ctx.errors.push(`${at(path, field)}: ${message}`);
  };
  if (listType !== undefined && node.type !== 'array') {
    err('x-kubernetes-list-type', 'Invalid value: must only be used on arrays');
  }
  if (keys !== undefined && listType !== 'map') {
    err('x-kubernetes-list-map-keys', 'Forbidden: only allowed with x-kubernetes-list-type map');
  }
  if (listType !== 'map') return;
  if (keys === undefined || keys.length === 0) {
    err(
      'x-kubernetes-list-map-keys',
      'Required value: must be set with x-kubernetes-list-type map',
    );
    return;
  }
  const items = Array.isArray(node.items) ? undefined : node.items;
  if (items?.type !== 'object') {
    err('items.type', 'Invalid value: items of a map list must be objects');
    return;
  }
  for (const key of keys) {
    const prop = items.properties?.[key];
    if (prop === undefined) {
      err('x-kubernetes-list-map-keys', `Invalid value: "${key}": is not a property of the items`);
      continue;
    }
    if (prop.type === undefined || prop.type === 'object' || prop.type === 'array') {
      err('x-kubernetes-list-map-keys', `Invalid value: "${key}": must be a scalar field`);
    }
    if (!(items.required ?? []).includes(key) && !('default' in prop)) {
      err('x-kubernetes-list-map-keys', `Invalid value: "${key}": must be required or defaulted`);
    }
  }
}
