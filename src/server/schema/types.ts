/** The loose shape of an apiextensions JSONSchemaProps node as stored in a CRD. */
import { isRecord } from '../types.js';
import { objectMetaFieldNames } from '../../apis/index.js';

export type SchemaNode = Record<string, unknown>;

export function properties(s: SchemaNode): Record<string, SchemaNode> | undefined {
  return isRecord(s.properties) ? (s.properties as Record<string, SchemaNode>) : undefined;
}

export function additional(s: SchemaNode): SchemaNode | undefined {
  return isRecord(s.additionalProperties) ? s.additionalProperties : undefined;
}

export function items(s: SchemaNode): SchemaNode | undefined {
  return isRecord(s.items) ? s.items : undefined;
}

/** The schema of a child value: a named property, else additionalProperties. */
export function childSchema(s: SchemaNode, key: string): SchemaNode | undefined {
  const p = properties(s)?.[key];
  return isRecord(p) ? p : additional(s);
}

export function preservesUnknown(s: SchemaNode): boolean {
  return s['x-kubernetes-preserve-unknown-fields'] === true;
}

export function isEmbedded(s: SchemaNode): boolean {
  return s['x-kubernetes-embedded-resource'] === true;
}

/** ObjectMeta fields kept in the metadata of the root and of embedded resources. */
export const objectMetaFields: ReadonlySet<string> = new Set(objectMetaFieldNames);
