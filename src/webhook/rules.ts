/**
 * The immutability rules of the CRDs, run as an admission webhook would: the transition rules
 * (`oldSelf`) of a kind's `x-kubernetes-validations`, taken from the generated CRDs themselves,
 * so messages and paths are those the API server reports when it runs the CEL rules. Pure.
 */
import { crds, type JSONSchemaProps } from '../apis/index.js';
import {
  CelCompileError,
  appliesTo,
  compileValidationRule,
  evaluateValidationRule,
  type CelSchema,
  type CompiledValidationRule,
} from '../cel/index.js';

/** One violated rule, as in a Status cause. */
export interface FieldProblem {
  field: string;
  type: string;
  message: string;
}

interface LocatedRule {
  /** Property names from the root, e.g. `['spec', 'revision']`. */
  path: string[];
  schema: JSONSchemaProps;
  compiled: CompiledValidationRule;
}

export interface KindRules {
  group: string;
  kind: string;
  rules: LocatedRule[];
}

/** Transition rules along property paths (items of lists have no old value to compare with). */
function transitionRules(root: JSONSchemaProps): LocatedRule[] {
  const out: LocatedRule[] = [];
  const walk = (node: JSONSchemaProps, path: string[]): void => {
    for (const raw of node['x-kubernetes-validations'] ?? []) {
      const compiled = compileValidationRule(raw);
      if (compiled instanceof CelCompileError) {
        throw new Error(`CRD rule ${raw.rule} at ${path.join('.')}: ${compiled.message}`);
      }
      if (compiled.isTransitionRule) out.push({ path, schema: node, compiled });
    }
    for (const [k, v] of Object.entries(node.properties ?? {})) walk(v, [...path, k]);
  };
  walk(root, []);
  return out;
}

let cache: Map<string, KindRules> | undefined;

/** Kinds with transition rules, keyed by kind (ObjectSet, ClusterObjectSetPhase, ...). */
export function immutableKinds(): ReadonlyMap<string, KindRules> {
  if (cache !== undefined) return cache;
  cache = new Map();
  for (const crd of crds()) {
    const root = crd.spec.versions[0]?.schema.openAPIV3Schema;
    if (root === undefined) continue;
    const rules = transitionRules(root);
    if (rules.length > 0) {
      cache.set(crd.spec.names.kind, { group: crd.spec.group, kind: crd.spec.names.kind, rules });
    }
  }
  return cache;
}

function at(obj: unknown, path: readonly string[]): unknown {
  let cur = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/**
 * The rules an update from `oldObj` to `newObj` violates. Like the API server, a rule is skipped
 * when its field is absent, and a transition rule when the field had no old value.
 */
export function immutabilityViolations(
  rules: KindRules,
  oldObj: unknown,
  newObj: unknown,
): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const r of rules.rules) {
    const self = at(newObj, r.path);
    const oldSelf = at(oldObj, r.path);
    const hasOld = oldSelf !== undefined && oldSelf !== null;
    if (self === undefined || self === null || !appliesTo(r.compiled, hasOld)) continue;
    const res = evaluateValidationRule(r.compiled, hasOld ? { self, oldSelf } : { self }, {
      // The CRD schema is structural: its shape is what CelSchema reads.
      schema: r.schema as CelSchema,
    });
    if (res.valid) continue;
    const field = r.path.join('.') || '<nil>';
    const type = JSON.stringify(typeof r.schema.type === 'string' ? r.schema.type : '');
    const ruleText = r.compiled.rule.message?.trim() || r.compiled.rule.rule.trim();
    out.push({
      field,
      type: 'FieldValueInvalid',
      message:
        'error' in res
          ? `Invalid value: ${type}: ${res.error.message} evaluating rule: ${ruleText}`
          : `Invalid value: ${type}: ${res.message}`,
    });
  }
  return out;
}

/** The API server's aggregate text: `ObjectSet.package-operator.run "x" is invalid: <problems>`. */
export function invalidMessage(
  rules: KindRules,
  name: string,
  problems: readonly FieldProblem[],
): string {
  const list = problems.map((p) => `${p.field}: ${p.message}`);
  const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return `${rules.kind}.${rules.group} "${name}" is invalid: ${joined}`;
}
