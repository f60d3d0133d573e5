/**
 * Custom resource schemas (openAPIV3Schema): defaulting (`default`, nulls dropped unless
 * `nullable`) and structural validation with the apiserver's field error texts (types, enum,
 * bounds, lengths, pattern, required, item counts, list-type uniqueness, allOf/anyOf/oneOf/not).
 * CEL rules (`x-kubernetes-validations`) are not evaluated here.
 */
import type { FieldProblem } from '../errors.js';
import { clone, deepEqual, isRecord } from '../types.js';

type Schema = Record<string, unknown>;

function props(s: Schema): Record<string, Schema> {
  return isRecord(s.properties) ? (s.properties as Record<string, Schema>) : {};
}

/** Applies `default`s and drops non-nullable nulls, in place. */
export function applySchemaDefaults(schema: Schema, value: unknown, root = true): void {
  if (isRecord(value)) {
    const ps = props(schema);
    for (const [k, sub] of Object.entries(ps)) {
      if (root && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
      if (value[k] === null && sub.nullable !== true) delete value[k];
      if (value[k] === undefined && sub.default !== undefined) value[k] = clone(sub.default);
      if (value[k] !== undefined) applySchemaDefaults(sub, value[k], false);
    }
    const add = schema.additionalProperties;
    if (isRecord(add)) {
      for (const k of Object.keys(value)) {
        if (k in ps) continue;
        if (value[k] === null && add.nullable !== true) delete value[k];
        else applySchemaDefaults(add, value[k], false);
      }
    }
  } else if (Array.isArray(value) && isRecord(schema.items)) {
    for (const v of value) applySchemaDefaults(schema.items, v, false);
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';
  return JSON.stringify(v);
}

function typeOk(type: unknown, v: unknown, intOrString: boolean): boolean {
  if (intOrString) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  switch (type) {
    case 'object':
      return isRecord(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

function typeName(t: unknown): string {
  return typeof t === 'string' ? t : JSON.stringify(t);
}

function jsType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

export function schemaProblems(
  schema: Schema,
  value: unknown,
  path = '',
  root = true,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  const p = path || '<root>';
  const invalidValue = (msg: string): void => {
    out.push({
      field: p,
      type: 'FieldValueInvalid',
      message: `Invalid value: ${show(value)}: ${msg}`,
    });
  };
  if (value === null) {
    if (schema.nullable !== true && !root)
      out.push({
        field: p,
        type: 'FieldValueTypeInvalid',
        message: `Invalid value: "null": ${p} in body must be of type ${typeName(schema.type ?? 'object')}: "null"`,
      });
    return out;
  }
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  if (schema.type !== undefined && !typeOk(schema.type, value, intOrString)) {
    out.push({
      field: p,
      type: 'FieldValueTypeInvalid',
      message: `Invalid value: ${show(value)}: ${p} in body must be of type ${typeName(schema.type)}: ${JSON.stringify(jsType(value))}`,
    });
    return out;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => deepEqual(e, value))) {
    out.push({
      field: p,
      type: 'FieldValueNotSupported',
      message: `Unsupported value: ${show(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    });
  }
  if (typeof value === 'number') {
    const min = schema.minimum;
    const max = schema.maximum;
    if (
      typeof min === 'number' &&
      (schema.exclusiveMinimum === true ? value <= min : value < min)
    ) {
      invalidValue(
        `${p} in body should be greater than ${schema.exclusiveMinimum === true ? '' : 'or equal to '}${min}`,
      );
    }
    if (
      typeof max === 'number' &&
      (schema.exclusiveMaximum === true ? value >= max : value > max)
    ) {
      invalidValue(
        `${p} in body should be less than ${schema.exclusiveMaximum === true ? '' : 'or equal to '}${max}`,
      );
    }
    if (typeof schema.multipleOf === 'number' && value % schema.multipleOf !== 0)
      invalidValue(`${p} in body should be a multiple of ${schema.multipleOf}`);
  }
  if (typeof value === 'string') {
    const n = [...value].length;
    if (typeof schema.maxLength === 'number' && n > schema.maxLength)
      out.push({
        field: p,
        type: 'FieldValueTooLong',
        message: `Too long: may not be more than ${schema.maxLength} bytes`,
      });
    if (typeof schema.minLength === 'number' && n < schema.minLength)
      invalidValue(`${p} in body should be at least ${schema.minLength} chars long`);
    if (typeof schema.pattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(schema.pattern, 'u');
      } catch {
        re = undefined;
      }
      if (re && !re.test(value)) invalidValue(`${p} in body should match '${schema.pattern}'`);
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      out.push({
        field: p,
        type: 'FieldValueTooMany',
        message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`,
      });
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      invalidValue(`${p} in body should have at least ${schema.minItems} items`);
    const listType = schema['x-kubernetes-list-type'];
    if (listType === 'set' || schema.uniqueItems === true) {
      value.forEach((v, i) => {
        if (value.slice(0, i).some((w) => deepEqual(v, w)))
          out.push({
            field: `${p}[${i}]`,
            type: 'FieldValueDuplicate',
            message: `Duplicate value: ${JSON.stringify(v)}`,
          });
      });
    }
    if (listType === 'map' && Array.isArray(schema['x-kubernetes-list-map-keys'])) {
      const keys = schema['x-kubernetes-list-map-keys'] as string[];
      const seen: unknown[] = [];
      value.forEach((v, i) => {
        const k = keys.map((key) => (isRecord(v) ? v[key] : undefined));
        if (seen.some((s) => deepEqual(s, k)))
          out.push({
            field: `${p}[${i}]`,
            type: 'FieldValueDuplicate',
            message: `Duplicate value: ${JSON.stringify(Object.fromEntries(keys.map((key, j) => [key, k[j]])))}`,
          });
        seen.push(k);
      });
    }
    if (isRecord(schema.items)) {
      const items = schema.items;
      value.forEach((v, i) => out.push(...schemaProblems(items, v, `${p}[${i}]`, false)));
    }
  }
  if (isRecord(value)) {
    const ps = props(schema);
    if (Array.isArray(schema.required)) {
      for (const r of schema.required) {
        if (typeof r === 'string' && value[r] === undefined)
          out.push({
            field: path ? `${path}.${r}` : r,
            type: 'FieldValueRequired',
            message: 'Required value',
          });
      }
    }
    const n = Object.keys(value).length;
    if (typeof schema.maxProperties === 'number' && n > schema.maxProperties)
      out.push({
        field: p,
        type: 'FieldValueTooMany',
        message: `Too many: ${n}: must have at most ${schema.maxProperties} items`,
      });
    if (typeof schema.minProperties === 'number' && n < schema.minProperties)
      invalidValue(`${p} in body should have at least ${schema.minProperties} properties`);
    for (const [k, v] of Object.entries(value)) {
      if (root && (k === 'metadata' || k === 'apiVersion' || k === 'kind')) continue;
      const sub =
        ps[k] ?? (isRecord(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (sub) out.push(...schemaProblems(sub, v, path ? `${path}.${k}` : k, false));
    }
  }
  if (Array.isArray(schema.allOf))
    for (const s of schema.allOf)
      if (isRecord(s)) out.push(...schemaProblems(s, value, path, root));
  if (Array.isArray(schema.anyOf)) {
    const subs = schema.anyOf.filter(isRecord);
    if (subs.length > 0 && !subs.some((s) => schemaProblems(s, value, path, root).length === 0))
      invalidValue(`${p} in body must validate at least one schema (anyOf)`);
  }
  if (Array.isArray(schema.oneOf)) {
    const ok = schema.oneOf
      .filter(isRecord)
      .filter((s) => schemaProblems(s, value, path, root).length === 0).length;
    if (ok !== 1) invalidValue(`${p} in body must validate one and only one schema (oneOf)`);
  }
  if (isRecord(schema.not) && schemaProblems(schema.not, value, path, root).length === 0)
    invalidValue(`${p} in body should not be valid against the given schema`);
  return out;
}
