/**
 * A small typed schema builder: every value yields BOTH a zod schema (TypeScript type, defaults applied
 * on parse, Kubernetes-style `path: message` errors) AND a structural OpenAPI v3 `JSONSchemaProps`
 * for CRDs. One definition, two outputs, so the CRDs and the parsers cannot drift apart.
 *
 * Semantics follow the API server: unknown fields are pruned (zod strips them) unless a node preserves
 * them, `null` for a field counts as absent (and is then defaulted), defaults are parsed through their
 * schema so nested defaults apply. CEL `validations` go to the CRD only; `check` is zod only.
 */
import { z } from 'zod';
import type { JSONSchemaProps, ValidationRule } from './openapi.js';

/** An issue a `check` reports, relative to the checked value. */
export interface FieldIssue {
  path?: readonly (string | number)[];
  message: string;
}

/** Messages in the format of Kubernetes `field.Error` (`k8s.io/apimachinery/pkg/util/validation/field`). */
export const fieldMessages = {
  required: (): string => 'Required value',
  invalid: (value: unknown, detail: string): string => `Invalid value: ${show(value)}: ${detail}`,
  unsupported: (value: unknown, supported: readonly unknown[]): string =>
    `Unsupported value: ${show(value)}: supported values: ${supported.map(show).join(', ')}`,
  duplicate: (value: unknown): string => `Duplicate value: ${show(value)}`,
  tooMany: (actual: number, max: number): string =>
    `Too many: ${actual}: must have at most ${max} items`,
  tooLong: (max: number): string => `Too long: may not be more than ${max} bytes`,
  forbidden: (detail: string): string => `Forbidden: ${detail}`,
};

function show(value: unknown): string {
  if (value === undefined) return 'null';
  return JSON.stringify(value) ?? `<${typeof value}>`;
}

type Mode = { kind: 'required' } | { kind: 'optional' } | { kind: 'default'; value: unknown };
type Refinement = (value: never, add: (issue: FieldIssue) => void) => void;

interface Parts {
  /** Builds the bare zod type; `loose` keeps unknown object fields. */
  core: (loose: boolean) => z.ZodType;
  loose: boolean;
  refinements: readonly Refinement[];
  mode: Mode;
  openapi: JSONSchemaProps;
}

/**
 * A schema node. `T` is the parsed TypeScript type; `Present` says whether the field is always present
 * after parsing (required or defaulted) or may be absent (`optional()`). `I` is the type a writer of
 * the object may give (defaulted fields may be left out), `Required` whether the writer must give it.
 */
export class Schema<T, Present extends boolean = true, I = T, Required extends boolean = Present> {
  /** The structural OpenAPI v3 schema of this node. */
  readonly openapi: JSONSchemaProps;
  /** Whether the CRD lists this field as required (neither optional nor defaulted). */
  readonly crdRequired: boolean;
  /** Phantom markers so the type parameters stay distinct (never set at runtime). */
  declare readonly present: Present;
  declare readonly input: I;
  declare readonly required: Required;
  readonly #parts: Parts;
  #zod: z.ZodType | undefined;

  constructor(parts: Parts) {
    this.#parts = parts;
    this.openapi = parts.openapi;
    this.crdRequired = parts.mode.kind === 'required';
  }

  /** The zod schema: parse input with it (or use `parseWith`). Built on first use. */
  get zod(): z.ZodType<Present extends true ? T : T | undefined> {
    this.#zod ??= this.#build();
    return this.#zod as z.ZodType<Present extends true ? T : T | undefined>;
  }

  #build(): z.ZodType {
    const parts = this.#parts;
    let zod = parts.core(parts.loose);
    for (const refine of parts.refinements) {
      zod = zod.superRefine((value, ctx) => {
        refine(value as never, (issue) =>
          ctx.addIssue({ code: 'custom', message: issue.message, path: [...(issue.path ?? [])] }),
        );
      });
    }
    if (parts.mode.kind === 'optional') zod = zod.optional();
    if (parts.mode.kind === 'default') zod = zod.prefault(structuredClone(parts.mode.value));
    return zod;
  }

  #with<P extends boolean = Present, R extends boolean = Required>(
    patch: Partial<Parts>,
  ): Schema<T, P, I, R> {
    return new Schema<T, P, I, R>({ ...this.#parts, ...patch });
  }

  #openapi(patch: JSONSchemaProps): Schema<T, Present, I, Required> {
    return this.#with({ openapi: { ...this.#parts.openapi, ...patch } });
  }

  #refine(
    refinement: (value: T, add: (issue: FieldIssue) => void) => void,
  ): Schema<T, Present, I, Required> {
    return this.#with({ refinements: [...this.#parts.refinements, refinement as Refinement] });
  }

  #expect(type: JSONSchemaProps['type'], what: string): void {
    if (this.#parts.openapi.type !== type) {
      throw new Error(`schema builder: ${what} needs a ${type} node`);
    }
  }

  description(text: string): Schema<T, Present, I, Required> {
    return this.#openapi({ description: text });
  }

  /** The field may be absent; the CRD does not require it. */
  optional(): Schema<T, false, I, false> {
    return this.#with<false, false>({ mode: { kind: 'optional' } });
  }

  /** Absent (or null) becomes `value`, parsed through this schema; the CRD gets `default`. */
  default(value: I): Schema<T, true, I, false> {
    // A default must itself be valid: fail at definition time, not at parse time.
    this.#with<true, true>({ mode: { kind: 'required' } }).zod.parse(value);
    return this.#with<true, false>({
      mode: { kind: 'default', value },
      openapi: { ...this.#parts.openapi, default: structuredClone(value) },
    });
  }

  minLength(n: number): Schema<T, Present, I, Required> {
    this.#expect('string', 'minLength');
    return this.#openapi({ minLength: n }).#refine((v, add) => {
      if (typeof v === 'string' && [...v].length < n)
        add({ message: fieldMessages.invalid(v, `should be at least ${n} chars long`) });
    });
  }

  maxLength(n: number): Schema<T, Present, I, Required> {
    this.#expect('string', 'maxLength');
    return this.#openapi({ maxLength: n }).#refine((v, add) => {
      if (typeof v === 'string' && [...v].length > n) add({ message: fieldMessages.tooLong(n) });
    });
  }

  /** An ECMAScript/RE2-compatible regular expression, unanchored like OpenAPI's `pattern`. */
  pattern(source: string): Schema<T, Present, I, Required> {
    this.#expect('string', 'pattern');
    const re = new RegExp(source, 'u');
    return this.#openapi({ pattern: source }).#refine((v, add) => {
      if (typeof v === 'string' && !re.test(v))
        add({ message: fieldMessages.invalid(v, `should match '${source}'`) });
    });
  }

  minimum(n: number): Schema<T, Present, I, Required> {
    this.#expect('integer', 'minimum');
    return this.#openapi({ minimum: n }).#refine((v, add) => {
      if (typeof v === 'number' && v < n)
        add({ message: fieldMessages.invalid(v, `should be greater than or equal to ${n}`) });
    });
  }

  maximum(n: number): Schema<T, Present, I, Required> {
    this.#expect('integer', 'maximum');
    return this.#openapi({ maximum: n }).#refine((v, add) => {
      if (typeof v === 'number' && v > n)
        add({ message: fieldMessages.invalid(v, `should be less than or equal to ${n}`) });
    });
  }

  minItems(n: number): Schema<T, Present, I, Required> {
    this.#expect('array', 'minItems');
    return this.#openapi({ minItems: n }).#refine((v, add) => {
      if (Array.isArray(v) && v.length < n)
        add({ message: fieldMessages.invalid(v.length, `should have at least ${n} items`) });
    });
  }

  maxItems(n: number): Schema<T, Present, I, Required> {
    this.#expect('array', 'maxItems');
    return this.#openapi({ maxItems: n }).#refine((v, add) => {
      if (Array.isArray(v) && v.length > n) add({ message: fieldMessages.tooMany(v.length, n) });
    });
  }

  /**
   * `x-kubernetes-list-type`. `map` lists must name their keys (required or defaulted scalar fields of
   * the items); parsing rejects duplicate keys, as the API server does. `set` rejects duplicate items.
   */
  listType(
    type: 'atomic' | 'set' | 'map',
    keys?: readonly string[],
  ): Schema<T, Present, I, Required> {
    this.#expect('array', 'listType');
    if ((type === 'map') !== (keys !== undefined && keys.length > 0)) {
      throw new Error('schema builder: listType map needs keys, and only map takes keys');
    }
    const patch: JSONSchemaProps = { 'x-kubernetes-list-type': type };
    if (keys) patch['x-kubernetes-list-map-keys'] = [...keys];
    const node = this.#openapi(patch);
    if (type === 'atomic') return node;
    return node.#refine((v, add) => {
      if (!Array.isArray(v)) return;
      const seen = new Set<string>();
      v.forEach((item: unknown, i) => {
        const key =
          type === 'set'
            ? JSON.stringify(item)
            : JSON.stringify(
                Object.fromEntries(
                  (keys ?? []).map((k) => [k, (item as Record<string, unknown>)[k]]),
                ),
              );
        if (seen.has(key)) add({ path: [i], message: `Duplicate value: ${key}` });
        seen.add(key);
      });
    });
  }

  /** `x-kubernetes-map-type` on an object or map node. */
  mapType(type: 'atomic' | 'granular'): Schema<T, Present, I, Required> {
    this.#expect('object', 'mapType');
    return this.#openapi({ 'x-kubernetes-map-type': type });
  }

  /** Keep unknown fields (`x-kubernetes-preserve-unknown-fields`); zod passes them through. */
  preserveUnknown(): Schema<T, Present, I, Required> {
    this.#expect('object', 'preserveUnknown');
    return this.#with({
      loose: true,
      openapi: { ...this.#parts.openapi, 'x-kubernetes-preserve-unknown-fields': true },
    });
  }

  /**
   * A complete Kubernetes object embedded in this field (`x-kubernetes-embedded-resource`): unknown
   * fields are kept; `apiVersion` and `kind` are required, as the API server requires them.
   */
  embeddedResource(): Schema<T, Present, I, Required> {
    this.#expect('object', 'embeddedResource');
    return this.#with({
      loose: true,
      openapi: {
        ...this.#parts.openapi,
        'x-kubernetes-embedded-resource': true,
        'x-kubernetes-preserve-unknown-fields': true,
      },
    }).#refine((v, add) => {
      const obj = v as Record<string, unknown>;
      for (const key of ['apiVersion', 'kind']) {
        const value = obj[key];
        if (value === undefined || value === null || value === '')
          add({ path: [key], message: fieldMessages.required() });
        else if (typeof value !== 'string')
          add({ path: [key], message: fieldMessages.invalid(value, 'must be of type string') });
      }
    });
  }

  /** CEL rules for the CRD (`x-kubernetes-validations`). Not evaluated by zod. */
  validations(rules: readonly ValidationRule[]): Schema<T, Present, I, Required> {
    const existing = this.#parts.openapi['x-kubernetes-validations'] ?? [];
    return this.#openapi({ 'x-kubernetes-validations': [...existing, ...rules] });
  }

  /** A zod-only check (the CRD cannot express it, or expresses it with `validations`). */
  check(fn: (value: T) => readonly FieldIssue[]): Schema<T, Present, I, Required> {
    return this.#refine((v, add) => {
      for (const issue of fn(v)) add(issue);
    });
  }

  /** Escape hatch: merge raw OpenAPI properties into this node (the zod side is unchanged). */
  openapiPatch(patch: JSONSchemaProps): Schema<T, Present, I, Required> {
    return this.#openapi(patch);
  }
}

// ---------------------------------------------------------------------------------------------------
// Types

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any node, whatever its types
export type AnySchema = Schema<any, boolean, any, boolean>;

/** The parsed TypeScript type of a schema node (like `z.infer` of its `.zod`). */
export type Infer<S> =
  S extends Schema<infer T, infer P, unknown, boolean>
    ? P extends true
      ? T
      : T | undefined
    : never;

/** What a writer may give for a schema node: defaulted and optional fields may be left out. */
export type InferInput<S> =
  S extends Schema<unknown, boolean, infer I, infer R>
    ? R extends true
      ? I
      : I | undefined
    : never;

export type Shape = Record<string, AnySchema>;

type PresentKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends Schema<unknown, true, unknown, boolean> ? K : never;
}[keyof S];

type RequiredKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends Schema<unknown, boolean, unknown, true> ? K : never;
}[keyof S];

type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type ObjectOf<S extends Shape> = Simplify<
  { [K in PresentKeys<S>]: Infer<S[K]> } & {
    [K in Exclude<keyof S, PresentKeys<S>>]?: Infer<S[K]>;
  }
>;

export type InputObjectOf<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: InferInput<S[K]> } & {
    [K in Exclude<keyof S, RequiredKeys<S>>]?: InferInput<S[K]>;
  }
>;

// ---------------------------------------------------------------------------------------------------
// Constructors

function node<T, I = T>(
  core: (loose: boolean) => z.ZodType,
  openapi: JSONSchemaProps,
): Schema<T, true, I, true> {
  return new Schema<T, true, I, true>({
    core,
    loose: false,
    refinements: [],
    mode: { kind: 'required' },
    openapi,
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A `null` field is an absent field (the API server prunes nulls of non-nullable fields). */
function dropNulls(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  let out: Record<string, unknown> | undefined;
  for (const [k, val] of Object.entries(v)) {
    if (val === null) {
      out ??= { ...v };
      delete out[k];
    }
  }
  return out ?? v;
}

function sortedKeys<V>(record: Record<string, V>): Record<string, V> {
  return Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export const s = {
  string: (): Schema<string> => node<string>(() => z.string(), { type: 'string' }),

  /** An RFC 3339 timestamp (`metav1.Time`). */
  dateTime: (): Schema<string> =>
    node<string>(
      () =>
        z
          .preprocess(
            // A YAML 1.1 reader may hand us a Date: back to metav1.Time's RFC 3339 form.
            (v) => (v instanceof Date ? v.toISOString().replace(/\.000Z$/, 'Z') : v),
            z.string(),
          )
          .superRefine((v, ctx) => {
            if (!rfc3339.test(v))
              ctx.addIssue({
                code: 'custom',
                message: fieldMessages.invalid(v, 'must be of type date-time'),
              });
          }),
      { type: 'string', format: 'date-time' },
    ),

  boolean: (): Schema<boolean> => node<boolean>(() => z.boolean(), { type: 'boolean' }),

  int32: (): Schema<number> =>
    node<number>(() => z.int().min(-2147483648).max(2147483647), {
      type: 'integer',
      format: 'int32',
    }),

  /** int64 as a JS number: exact up to 2^53, which covers revisions, generations and counts. */
  int64: (): Schema<number> => node<number>(() => z.int(), { type: 'integer', format: 'int64' }),

  enum: <const V extends readonly [string, ...string[]]>(values: V): Schema<V[number]> =>
    node<V[number]>(
      () =>
        z.string().superRefine((v, ctx) => {
          if (!values.includes(v))
            ctx.addIssue({ code: 'custom', message: fieldMessages.unsupported(v, values) });
        }),
      { type: 'string', enum: [...values] },
    ),

  /** `x-kubernetes-int-or-string` (for example a port or a percentage). */
  intOrString: (): Schema<number | string> =>
    node<number | string>(() => z.union([z.int(), z.string()]), {
      'x-kubernetes-int-or-string': true,
    }),

  array: <E extends Schema<unknown, true, unknown, boolean>>(
    item: E,
  ): Schema<Infer<E>[], true, NonNullable<InferInput<E>>[]> =>
    node<Infer<E>[], NonNullable<InferInput<E>>[]>(() => z.array(item.zod), {
      type: 'array',
      items: item.openapi,
    }),

  /** A map with string keys (`additionalProperties`). */
  map: <V extends Schema<unknown, true, unknown, boolean>>(
    value: V,
  ): Schema<Record<string, Infer<V>>, true, Record<string, NonNullable<InferInput<V>>>> =>
    node<Record<string, Infer<V>>, Record<string, NonNullable<InferInput<V>>>>(
      () => z.record(z.string(), value.zod),
      {
        type: 'object',
        additionalProperties: value.openapi,
      },
    ),

  object: <S extends Shape>(shape: S): Schema<ObjectOf<S>, true, InputObjectOf<S>> => {
    const properties: Record<string, JSONSchemaProps> = {};
    const required: string[] = [];
    for (const [key, field] of Object.entries(shape)) {
      properties[key] = field.openapi;
      if (field.crdRequired) required.push(key);
    }
    const openapi: JSONSchemaProps = { type: 'object' };
    if (required.length > 0) openapi.required = required.sort();
    if (Object.keys(properties).length > 0) openapi.properties = sortedKeys(properties);
    const zodShape = Object.fromEntries(Object.entries(shape).map(([k, f]) => [k, f.zod]));
    return node<ObjectOf<S>, InputObjectOf<S>>(
      (loose) => z.preprocess(dropNulls, loose ? z.looseObject(zodShape) : z.object(zodShape)),
      openapi,
    );
  },

  /**
   * A free-form object that keeps every field (`type: object` + preserve-unknown-fields), typed as `T`
   * for callers (for example `JSONSchemaProps`); zod only checks that it is an object.
   */
  freeform: <T = Record<string, unknown>>(): Schema<T> =>
    node<T>(() => z.record(z.string(), z.unknown()), {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    }),

  /** Escape hatch: a node from a zod schema and an OpenAPI schema that you keep in agreement. */
  raw: <T>(zod: z.ZodType<T>, openapi: JSONSchemaProps): Schema<T> => node<T>(() => zod, openapi),
};

// ---------------------------------------------------------------------------------------------------
// Parsing

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Formats a field path like Kubernetes: `spec.phases[0].objects[1].object.kind`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const key = String(seg);
      if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${key}]`;
    }
  }
  return out;
}

const typeNames: Record<string, string> = {
  int: 'integer',
  number: 'integer', // the builder has integers only
  string: 'string',
  boolean: 'boolean',
  object: 'object',
  array: 'array',
  record: 'object',
};

function issueMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return fieldMessages.required();
      return fieldMessages.invalid(
        input,
        `must be of type ${typeNames[issue.expected] ?? issue.expected}`,
      );
    case 'invalid_union':
      if (input === undefined) return fieldMessages.required();
      return fieldMessages.invalid(input, 'must be an integer or a string');
    case 'too_small':
      return fieldMessages.invalid(input, `should be greater than or equal to ${issue.minimum}`);
    case 'too_big':
      return fieldMessages.invalid(input, `should be less than or equal to ${issue.maximum}`);
    default:
      return issue.message;
  }
}

/** Every issue as `path: message` (Kubernetes style), in document order. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = formatPath(issue.path);
    const message = issueMessage(issue);
    return path === '' ? message : `${path}: ${message}`;
  });
}

/** Parses `input` with a schema node: the typed value with defaults applied, or `path: message` errors. */
export function parseWith<T>(
  schema: Schema<T, true, unknown, boolean>,
  input: unknown,
): ParseResult<T> {
  const r = schema.zod.safeParse(input, { reportInput: true });
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, errors: formatIssues(r.error.issues) };
}
