/**
 * Validation of custom resources against their structural schema, with the API server's field
 * errors: OpenAPI value validations (kube-openapi messages: types, formats, enum, bounds, lengths,
 * pattern, required, item and property counts), list-type uniqueness (set items, map keys),
 * embedded resources, then CEL `x-kubernetes-validations` (message, messageExpression, reason,
 * fieldPath, transition rules with oldSelf / optionalOldSelf). On update, errors of values that
 * did not change are ratcheted (dropped) as with the CRDValidationRatcheting feature (on in 1.32).
 */
import { RE2JS } from 're2js';
import {
  appliesTo,
  CelCompileError,
  compileValidationRule,
  evaluateValidationRule,
  type CompiledValidationRule,
  type ValidationRule,
} from '../../cel/index.js';
import type { FieldProblem } from '../errors.js';
import { deepEqual, isRecord } from '../types.js';
import { formatOk } from './formats.js';
import { additional, isEmbedded, items, properties, type SchemaNode } from './types.js';

/** Where a value's old counterpart is: `undefined` = not correlatable (items of non-map lists). */
interface Old {
  has: boolean;
  value: unknown;
}

interface Ctx {
  problems: FieldProblem[];
  /** Texts of ratcheted CEL failures (the API server returns them as warnings). */
  warnings: string[];
  update: boolean;
}

// ------------------------------------------------------------------ value rendering

/** Go's `%v` of a float64 (shortest digits, exponent below 1e-4 and from 1e21 on as `%g`). */
export function goFloat(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : n < 0 ? '-Inf' : 'NaN';
  if (n === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = n.toExponential().split('e');
    const en = Number(e);
    return `${m}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  return String(n);
}

/** JSON as Go's encoding/json writes maps: keys sorted. */
function goJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    isRecord(x) && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  );
}

/** A field error's bad value as apimachinery prints it. */
function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return goJson(v);
}

function bound(limit: number, value: number): string {
  return Number.isInteger(value) ? String(Math.trunc(limit)) : goFloat(limit);
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function typeOk(types: readonly string[], v: unknown): boolean {
  const t = jsonType(v);
  return types.includes(t) || (t === 'integer' && types.includes('number'));
}

// ------------------------------------------------------------------ caches

const patterns = new Map<string, RE2JS | null>();
function pattern(p: string): RE2JS | null {
  let re = patterns.get(p);
  if (re === undefined) {
    try {
      re = RE2JS.compile(p);
    } catch {
      re = null;
    }
    if (patterns.size > 1000) patterns.clear();
    patterns.set(p, re);
  }
  return re;
}

type CompiledRules = (CompiledValidationRule | CelCompileError)[];
const ruleCache = new WeakMap<SchemaNode, CompiledRules>();

function rulesOf(schema: SchemaNode): CompiledRules | undefined {
  const raw = schema['x-kubernetes-validations'];
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  let compiled = ruleCache.get(schema);
  if (!compiled) {
    compiled = raw
      .filter(isRecord)
      .map((r) => compileValidationRule(r as unknown as ValidationRule));
    ruleCache.set(schema, compiled);
  }
  return compiled;
}

const rulesBeneathCache = new WeakMap<SchemaNode, boolean>();

/** Whether the schema or any schema the walk descends into has `x-kubernetes-validations`. */
function rulesBeneath(s: SchemaNode): boolean {
  let r = rulesBeneathCache.get(s);
  if (r === undefined) {
    rulesBeneathCache.set(s, true); // a cycle counts as rules (the walk is not skipped)
    const raw = s['x-kubernetes-validations'];
    const it = items(s);
    const add = additional(s);
    r =
      (Array.isArray(raw) && raw.length > 0) ||
      (it !== undefined && rulesBeneath(it)) ||
      (add !== undefined && rulesBeneath(add)) ||
      Object.values(properties(s) ?? {}).some((p) => isRecord(p) && rulesBeneath(p));
    rulesBeneathCache.set(s, r);
  }
  return r;
}

/** CEL compile errors of every `x-kubernetes-validations` rule of a schema (CRD validation). */
export function ruleProblems(schema: SchemaNode, path: string): FieldProblem[] {
  const out: FieldProblem[] = [];
  const walk = (s: SchemaNode, p: string): void => {
    const raw = s['x-kubernetes-validations'];
    if (Array.isArray(raw)) {
      raw.forEach((r, i) => {
        if (!isRecord(r) || typeof r.rule !== 'string') return;
        const c = compileValidationRule(r as unknown as ValidationRule);
        if (c instanceof CelCompileError) {
          const which = c.expression === r.rule ? 'rule' : 'messageExpression';
          out.push({
            field: `${p}.x-kubernetes-validations[${i}].${which}`,
            type: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(c.expression)}: ${c.message}`,
          });
        }
      });
    }
    const props = properties(s);
    if (props) for (const [k, v] of Object.entries(props)) walk(v, `${p}.properties[${k}]`);
    const add = additional(s);
    if (add) walk(add, `${p}.additionalProperties`);
    const it = items(s);
    if (it) walk(it, `${p}.items`);
  };
  walk(schema, path);
  return out;
}

// ------------------------------------------------------------------ OpenAPI value validation

function schemaTypes(s: SchemaNode): string[] | undefined {
  if (s['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  return typeof s.type === 'string' ? [s.type] : undefined;
}

/** kube-openapi's errors for one node (not its children), as field problems. */
function nodeProblems(s: SchemaNode, v: unknown, name: string, out: FieldProblem[]): void {
  const field = name || '<nil>';
  const invalid = (bad: unknown, detail: string): void => {
    out.push({
      field,
      type: 'FieldValueInvalid',
      message: `Invalid value: ${shown(bad)}: ${detail}`,
    });
  };
  const types = schemaTypes(s);
  if (v === null) {
    if (s.nullable !== true && types)
      out.push({
        field,
        type: 'FieldValueTypeInvalid',
        message: `Invalid value: "null": ${name} in body must be of type ${types.join(',')}: "null"`,
      });
    return;
  }
  if (types && !typeOk(types, v)) {
    out.push({
      field,
      type: 'FieldValueTypeInvalid',
      message: `Invalid value: ${JSON.stringify(jsonType(v))}: ${name} in body must be of type ${types.join(',')}: ${JSON.stringify(jsonType(v))}`,
    });
    return;
  }
  if (typeof v === 'string') {
    const n = [...v].length;
    if (typeof s.maxLength === 'number' && n > s.maxLength)
      out.push({
        field,
        type: 'FieldValueTooLong',
        message: `Too long: may not be more than ${s.maxLength} ${s.maxLength === 1 ? 'byte' : 'bytes'}`,
      });
    if (typeof s.minLength === 'number' && n < s.minLength)
      invalid(v, `${name} in body should be at least ${s.minLength} chars long`);
    if (typeof s.pattern === 'string') {
      const re = pattern(s.pattern);
      if (re && !re.test(v)) invalid(v, `${name} in body should match '${s.pattern}'`);
    }
    if (typeof s.format === 'string' && !formatOk(s.format, v))
      out.push({
        field,
        type: 'FieldValueTypeInvalid',
        message: `Invalid value: ${shown(v)}: ${name} in body must be of type ${s.format}: ${shown(v)}`,
      });
  }
  if (typeof v === 'number') {
    if (typeof s.maximum === 'number') {
      const ex = s.exclusiveMaximum === true;
      if (ex ? v >= s.maximum : v > s.maximum)
        invalid(
          v,
          `${name} in body should be less than ${ex ? '' : 'or equal to '}${bound(s.maximum, v)}`,
        );
    }
    if (typeof s.minimum === 'number') {
      const ex = s.exclusiveMinimum === true;
      if (ex ? v <= s.minimum : v < s.minimum)
        invalid(
          v,
          `${name} in body should be greater than ${ex ? '' : 'or equal to '}${bound(s.minimum, v)}`,
        );
    }
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0) {
      const q = v / s.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9)
        invalid(v, `${name} in body should be a multiple of ${bound(s.multipleOf, v)}`);
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, v))) {
    const values = s.enum.map((e) => JSON.stringify(typeof e === 'string' ? e : JSON.stringify(e)));
    out.push({
      field,
      type: 'FieldValueNotSupported',
      message: `Unsupported value: ${shown(v)}: supported values: ${values.join(', ')}`,
    });
  }
  if (Array.isArray(v)) {
    if (typeof s.maxItems === 'number' && v.length > s.maxItems)
      out.push({
        field,
        type: 'FieldValueTooMany',
        message: `Too many: ${v.length}: must have at most ${s.maxItems} ${s.maxItems === 1 ? 'item' : 'items'}`,
      });
    if (typeof s.minItems === 'number' && v.length < s.minItems)
      invalid(v, `${name} in body should have at least ${s.minItems} items`);
    if (s.uniqueItems === true && v.some((x, i) => v.slice(0, i).some((y) => deepEqual(x, y))))
      out.push({ field, type: 'FieldValueDuplicate', message: `Duplicate value: ${shown(v)}` });
  }
  if (isRecord(v)) {
    if (Array.isArray(s.required)) {
      for (const r of s.required) {
        if (typeof r === 'string' && v[r] === undefined)
          out.push({
            field: name ? `${name}.${r}` : r,
            type: 'FieldValueRequired',
            message: 'Required value',
          });
      }
    }
    const n = Object.keys(v).length;
    if (typeof s.maxProperties === 'number' && n > s.maxProperties)
      out.push({
        field,
        type: 'FieldValueTooMany',
        message: `Too many: ${n}: must have at most ${s.maxProperties} ${s.maxProperties === 1 ? 'item' : 'items'}`,
      });
    if (typeof s.minProperties === 'number' && n < s.minProperties)
      invalid(n, `${name} in body should have at least ${s.minProperties} properties`);
  }
  junctors(s, v, name, out);
}

/** allOf / anyOf / oneOf / not: value validations only (structural schemas keep types outside). */
function junctors(s: SchemaNode, v: unknown, name: string, out: FieldProblem[]): void {
  const deep = (sub: SchemaNode): FieldProblem[] => {
    const o: FieldProblem[] = [];
    nodeProblems(sub, v, name, o);
    if (isRecord(v)) {
      for (const [k, child] of Object.entries(properties(sub) ?? {})) {
        if (v[k] !== undefined) nodeProblems(child, v[k], name ? `${name}.${k}` : k, o);
      }
    }
    return o;
  };
  const field = name || '<nil>';
  if (Array.isArray(s.allOf)) for (const sub of s.allOf) if (isRecord(sub)) out.push(...deep(sub));
  if (Array.isArray(s.anyOf)) {
    const subs = s.anyOf.filter(isRecord);
    if (subs.length > 0 && !subs.some((sub) => deep(sub).length === 0))
      out.push({
        field,
        type: 'FieldValueInvalid',
        message: `Invalid value: ${shown(v)}: ${name} in body must validate at least one schema (anyOf)`,
      });
  }
  if (Array.isArray(s.oneOf)) {
    const subs = s.oneOf.filter(isRecord);
    const ok = subs.filter((sub) => deep(sub).length === 0).length;
    if (subs.length > 0 && ok !== 1)
      out.push({
        field,
        type: 'FieldValueInvalid',
        message: `Invalid value: ${shown(v)}: ${name} in body must validate one and only one schema (oneOf)`,
      });
  }
  if (isRecord(s.not) && deep(s.not).length === 0)
    out.push({
      field,
      type: 'FieldValueInvalid',
      message: `Invalid value: ${shown(v)}: ${name} in body should not be valid against the given schema`,
    });
}

/** x-kubernetes-list-type set / map uniqueness (apiextensions' listtype validation). */
function listTypeProblems(s: SchemaNode, v: unknown[], name: string, out: FieldProblem[]): void {
  const lt = s['x-kubernetes-list-type'];
  if (lt === 'set') {
    v.forEach((x, i) => {
      if (v.slice(0, i).some((y) => deepEqual(x, y)))
        out.push({
          field: `${name}[${i}]`,
          type: 'FieldValueDuplicate',
          message: `Duplicate value: ${shown(x)}`,
        });
    });
  } else if (lt === 'map' && Array.isArray(s['x-kubernetes-list-map-keys'])) {
    const keys = (s['x-kubernetes-list-map-keys'] as unknown[]).filter(
      (k) => typeof k === 'string',
    );
    const it = items(s);
    const seen: unknown[][] = [];
    v.forEach((x, i) => {
      if (!isRecord(x)) return;
      const k = keys.map(
        (key) => x[key] ?? (isRecord(it) ? properties(it)?.[key]?.default : undefined),
      );
      if (seen.some((o) => deepEqual(o, k)))
        out.push({
          field: `${name}[${i}]`,
          type: 'FieldValueDuplicate',
          message: `Duplicate value: ${goJson(Object.fromEntries(keys.map((key, j) => [key, k[j]])))}`,
        });
      seen.push(k);
    });
  }
}

function mapListOld(s: SchemaNode, item: unknown, old: unknown): Old {
  const keys = s['x-kubernetes-list-map-keys'];
  if (!Array.isArray(old) || !isRecord(item) || !Array.isArray(keys))
    return { has: false, value: undefined };
  const found: unknown = (old as unknown[]).find(
    (o) =>
      isRecord(o) && keys.every((k: unknown) => typeof k === 'string' && deepEqual(o[k], item[k])),
  );
  return found === undefined ? { has: false, value: undefined } : { has: true, value: found };
}

// ------------------------------------------------------------------ CEL

function typeName(s: SchemaNode): string {
  return typeof s.type === 'string' ? s.type : '';
}

function normalizeFieldPath(fp: string): string {
  return fp.replace(/\['((?:[^'\\]|\\.)*)'\]/g, (_m, k: string) => `.${k}`).replace(/^\./, '');
}

function celProblems(
  s: SchemaNode,
  v: unknown,
  path: string,
  old: Old | undefined,
  unchanged: () => boolean,
  ctx: Ctx,
): void {
  const rules = rulesOf(s);
  if (!rules || v === null || v === undefined) return;
  const field = path || '<nil>';
  const type = typeName(s);
  const hasOld = old?.has === true && old.value !== null && old.value !== undefined;
  for (const c of rules) {
    if (c instanceof CelCompileError) {
      ctx.problems.push({
        field,
        type: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(type)}: rule compile error: ${c.message}`,
      });
      continue;
    }
    if (!appliesTo(c, hasOld)) continue;
    const res = evaluateValidationRule(c, hasOld ? { self: v, oldSelf: old?.value } : { self: v }, {
      schema: s,
    });
    if (res.valid) continue;
    const ruleText = c.rule.message?.trim() || c.rule.rule.trim();
    if ('error' in res) {
      const costly =
        res.error.code === 'step_limit_exceeded' || /cost limit/.test(res.error.message);
      ctx.problems.push({
        field,
        type: 'FieldValueInvalid',
        message: costly
          ? `Invalid value: ${JSON.stringify(type)}: '${res.error.message}': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleText}`
          : `Invalid value: ${JSON.stringify(type)}: ${res.error.message} evaluating rule: ${ruleText}`,
      });
      continue;
    }
    const fp = res.fieldPath ? normalizeFieldPath(res.fieldPath) : '';
    const f = fp ? (path ? `${path}.${fp}` : fp) : field;
    let p: FieldProblem;
    switch (res.reason) {
      case 'FieldValueForbidden':
        p = { field: f, type: 'FieldValueForbidden', message: `Forbidden: ${res.message}` };
        break;
      case 'FieldValueRequired':
        p = { field: f, type: 'FieldValueRequired', message: `Required value: ${res.message}` };
        break;
      case 'FieldValueDuplicate':
        p = {
          field: f,
          type: 'FieldValueDuplicate',
          message: `Duplicate value: ${JSON.stringify(type)}`,
        };
        break;
      default:
        p = {
          field: f,
          type: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(type)}: ${res.message}`,
        };
    }
    if (!c.isTransitionRule && ctx.update && unchanged())
      ctx.warnings.push(`${p.field}: ${p.message}`);
    else ctx.problems.push(p);
  }
}

// ------------------------------------------------------------------ the walk

function walk(
  s: SchemaNode,
  v: unknown,
  name: string,
  celPath: string,
  old: Old | undefined,
  parentUnchanged: () => boolean,
  resourceRoot: boolean,
  ctx: Ctx,
): void {
  // The very same value as before on an update: every schema error in it is ratcheted, so
  // without CEL rules under it there is nothing to report.
  const same = ctx.update && old?.has === true && old.value === v;
  if (same && !rulesBeneath(s)) return;
  let eq: boolean | undefined = same ? true : undefined;
  const unchanged = (): boolean => {
    if (!old) return parentUnchanged();
    eq ??= old.has && deepEqual(v, old.value);
    return eq;
  };
  // The same value: its schema errors are ratcheted (dropped below), only its CEL rules count.
  const own: FieldProblem[] = [];
  if (!same) nodeProblems(s, v, name, own);
  if (!same && Array.isArray(v)) listTypeProblems(s, v, name, own);
  if (!same && resourceRoot && name !== '' && isRecord(v)) {
    if (v.apiVersion === undefined)
      own.push({
        field: `${name}.apiVersion`,
        type: 'FieldValueRequired',
        message: 'Required value: must not be empty',
      });
    if (v.kind === undefined)
      own.push({
        field: `${name}.kind`,
        type: 'FieldValueRequired',
        message: 'Required value: must not be empty',
      });
  }
  // Schema ratcheting: errors of a correlatable node equal to its old value are dropped.
  if (own.length > 0 && !(ctx.update && old && unchanged())) ctx.problems.push(...own);
  celProblems(s, v, celPath, old, unchanged, ctx);
  if (Array.isArray(v)) {
    const it = items(s);
    if (!it) return;
    const isMap = s['x-kubernetes-list-type'] === 'map';
    v.forEach((x, i) => {
      const o =
        isMap && old
          ? old.has
            ? mapListOld(s, x, old.value)
            : { has: false, value: undefined }
          : undefined;
      walk(it, x, `${name}[${i}]`, `${celPath}[${i}]`, o, unchanged, isEmbedded(it), ctx);
    });
    return;
  }
  if (!isRecord(v)) return;
  const props = properties(s);
  const add = additional(s);
  const atomicMap = s['x-kubernetes-map-type'] === 'atomic';
  const oldRec = old?.has && isRecord(old.value) ? old.value : undefined;
  for (const [k, x] of Object.entries(v)) {
    if (resourceRoot && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) {
      if (name === '' || !isRecord(props?.[k])) continue;
    }
    const prop = props?.[k];
    const sub = isRecord(prop) ? prop : add;
    if (!sub || x === undefined) continue;
    const childOld: Old | undefined =
      old === undefined || atomicMap
        ? undefined
        : oldRec && oldRec[k] !== undefined
          ? { has: true, value: oldRec[k] }
          : { has: false, value: undefined };
    const childName = name ? `${name}.${k}` : k;
    const childCel = isRecord(prop) ? (celPath ? `${celPath}.${k}` : k) : `${celPath}[${k}]`;
    walk(sub, x, childName, childCel, childOld, unchanged, isEmbedded(sub), ctx);
  }
}

export interface ValidationResult {
  problems: FieldProblem[];
  /** Ratcheted CEL failures of unchanged values, for `Warning` headers. */
  warnings: string[];
}

/** Validates a (pruned, defaulted) custom resource; `old` is the stored object on update. */
export function validateCustomResource(
  schema: SchemaNode,
  obj: Record<string, unknown>,
  old: Record<string, unknown> | undefined,
): ValidationResult {
  const ctx: Ctx = { problems: [], warnings: [], update: old !== undefined };
  walk(
    schema,
    obj,
    '',
    '',
    old === undefined ? { has: false, value: undefined } : { has: true, value: old },
    () => false,
    true,
    ctx,
  );
  return { problems: ctx.problems, warnings: ctx.warnings };
}
