/** Object metadata and field checks shared by every kind (names, unknown fields, pruning). */
import type { FieldProblem } from '../errors.js';
import type { ResourceType } from '../registry/types.js';
import { isRecord, type KubeObject } from '../types.js';
import { objectMetaFields } from '../schema/types.js';

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function nameProblems(name: string, dnsLabel: boolean): FieldProblem[] {
  if (dnsLabel) {
    if (name.length > 63 || !label.test(name)) {
      return [
        {
          field: 'metadata.name',
          type: 'FieldValueInvalid',
          message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
        },
      ];
    }
    return [];
  }
  if (name.length > 253 || !subdomain.test(name)) {
    return [
      {
        field: 'metadata.name',
        type: 'FieldValueInvalid',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      },
    ];
  }
  return [];
}

const labelKey =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function metadataProblems(obj: KubeObject): FieldProblem[] {
  const out: FieldProblem[] = [];
  const m = obj.metadata;
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    if (!labelKey.test(k) || k.length > 316) {
      out.push({
        field: 'metadata.labels',
        type: 'FieldValueInvalid',
        message: `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    }
    if (typeof v !== 'string' || !labelValue.test(v) || v.length > 63) {
      out.push({
        field: 'metadata.labels',
        type: 'FieldValueInvalid',
        message: `Invalid value: "${String(v)}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      });
    }
  }
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    if (typeof v !== 'string') {
      out.push({
        field: `metadata.annotations.${k}`,
        type: 'FieldValueTypeInvalid',
        message: 'Invalid value: must be a string',
      });
    }
  }
  const refs = m.ownerReferences ?? [];
  if (refs.filter((r) => r.controller === true).length > 1) {
    out.push({
      field: 'metadata.ownerReferences',
      type: 'FieldValueInvalid',
      message:
        'Invalid value: []v1.OwnerReference: Only one reference can have Controller set to true',
    });
  }
  for (const r of refs) {
    if (!r.uid || !r.name || !r.kind || !r.apiVersion) {
      out.push({
        field: 'metadata.ownerReferences.uid',
        type: 'FieldValueInvalid',
        message: 'Invalid value: "": uid must not be empty',
      });
    }
  }
  return out;
}

/**
 * Paths of fields the kind does not know. CR paths come from the schema (pruning applies, see
 * `prune`); built-ins are checked at the top level and in metadata only (shallow in part 1).
 */
export function unknownFields(t: ResourceType, obj: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (isRecord(obj.metadata)) {
    for (const k of Object.keys(obj.metadata))
      if (!objectMetaFields.has(k)) out.push(`metadata.${k}`);
  }
  if (t.topLevelFields) {
    for (const k of Object.keys(obj)) if (!t.topLevelFields.includes(k)) out.push(k);
    return out;
  }
  if (t.schema) walkSchema(t.schema, obj, '', out, true);
  return out;
}

function walkSchema(
  schema: Record<string, unknown>,
  value: unknown,
  path: string,
  out: string[],
  top: boolean,
): void {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true && !isRecord(schema.properties))
    return;
  if (isRecord(value)) {
    const props = isRecord(schema.properties) ? schema.properties : undefined;
    const additional = schema.additionalProperties;
    for (const [k, v] of Object.entries(value)) {
      if (top && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      const p = path ? `${path}.${k}` : k;
      const sub = props?.[k];
      if (isRecord(sub)) walkSchema(sub, v, p, out, false);
      else if (isRecord(additional)) walkSchema(additional, v, p, out, false);
      else if (additional === true || schema['x-kubernetes-preserve-unknown-fields'] === true)
        continue;
      else out.push(p);
    }
  } else if (Array.isArray(value) && isRecord(schema.items)) {
    const items = schema.items;
    value.forEach((v, i) => walkSchema(items, v, `${path}[${i}]`, out, false));
  }
}

/** Drops the fields at `paths` (as returned by unknownFields) from obj, in place. */
export function prune(obj: Record<string, unknown>, paths: readonly string[]): void {
  for (const p of paths) {
    const segs = p.split(/\.|(?=\[)/);
    let cur: unknown = obj;
    for (let i = 0; i < segs.length - 1; i++) {
      const s = segs[i] ?? '';
      const idx = /^\[(\d+)\]$/.exec(s);
      cur = idx
        ? Array.isArray(cur)
          ? cur[Number(idx[1])]
          : undefined
        : isRecord(cur)
          ? cur[s]
          : undefined;
    }
    const last = segs[segs.length - 1] ?? '';
    if (isRecord(cur)) delete cur[last];
  }
}
