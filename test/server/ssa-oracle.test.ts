/**
 * Differential test of the server-side-apply merge against structured-merge-diff: every fixture
 * in ssa-fixtures/ was recorded from the real library (scripts/oracle-ssa.sh regenerates them).
 * Each case replays apply / forceApply / update steps and compares the object, each manager's
 * field set and every step's conflicts (the oracle is built with upstream's fix for its
 * conflict-path aliasing bug, see the script).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FieldSet, pathString } from '../../src/server/patch/field-set.js';
import { typeSchemaFromOpenAPI } from '../../src/server/patch/index.js';
import { PatchError } from '../../src/server/patch/types.js';
import type { TypeSchema } from '../../src/server/patch/types.js';
import { Conflicts, applyObject, updateObject } from '../../src/server/patch/updater.js';
import type { Managers } from '../../src/server/patch/updater.js';

interface Op {
  op: 'apply' | 'forceApply' | 'update';
  manager: string;
  apiVersion: string;
  object: unknown;
}

interface Expected {
  steps: { op: string; manager: string; error?: string; conflicts?: string[] }[];
  object?: unknown;
  managedFields: Record<string, { apiVersion: string; applied: boolean; fields: unknown }>;
}

interface Fixture {
  schema: string;
  openAPIV3Schema: unknown;
  cases: { name: string; ops: Op[]; expected: Expected }[];
}

const dir = join(import.meta.dirname, 'ssa-fixtures');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture);

interface Replay {
  object: unknown;
  managers: Managers;
  steps: { error: boolean; conflicts: string[] }[];
}

/** The oracle's main loop (shared/tools/ssa-oracle/main.go) over our updater. */
function replay(ops: Op[], schema: TypeSchema): Replay {
  let live: unknown;
  let managers: Managers = new Map();
  const steps: Replay['steps'] = [];
  for (const o of ops) {
    live ??= {};
    try {
      if (o.op === 'update') {
        managers = updateObject(live, o.object, schema, o.apiVersion, managers, o.manager);
        live = o.object;
      } else {
        const r = applyObject(
          live,
          o.object,
          schema,
          o.apiVersion,
          managers,
          o.manager,
          o.op === 'forceApply',
        );
        if (r.object !== undefined) live = r.object;
        managers = r.managers;
      }
      steps.push({ error: false, conflicts: [] });
    } catch (err) {
      if (err instanceof Conflicts) {
        const conflicts: string[] = [];
        for (const [m, set] of err.byManager) {
          for (const p of set.paths()) conflicts.push(`${m} ${pathString(p)}`);
        }
        steps.push({ error: true, conflicts });
      } else if (err instanceof PatchError) {
        steps.push({ error: true, conflicts: [] });
      } else throw err;
    }
  }
  return { object: live, managers, steps };
}

for (const fx of fixtures) {
  describe(`ssa oracle: ${fx.schema}`, () => {
    const schema = typeSchemaFromOpenAPI(fx.openAPIV3Schema);
    it.each(fx.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const got = replay(c.ops, schema);
      expect(got.steps.map((s) => s.error)).toEqual(
        c.expected.steps.map((s) => s.error !== undefined),
      );
      expect(got.steps.map((s) => [...s.conflicts].sort())).toEqual(
        c.expected.steps.map((s) => [...(s.conflicts ?? [])].sort()),
      );
      expect(got.object).toEqual(c.expected.object);
      const want: Record<string, { applied: boolean; paths: string[] }> = {};
      for (const [m, e] of Object.entries(c.expected.managedFields)) {
        want[m] = {
          applied: e.applied,
          paths: FieldSet.fromFieldsV1(e.fields).paths().map(pathString),
        };
      }
      const have: Record<string, { applied: boolean; paths: string[] }> = {};
      for (const [m, vs] of got.managers) {
        have[m] = { applied: vs.applied, paths: vs.set.paths().map(pathString) };
      }
      expect(have).toEqual(want);
    });
  });
}
