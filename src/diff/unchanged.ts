/**
 * Proof that applying an object would change nothing, without asking the server (pure): every
 * field it sets already has that value live (the revision engine's own "no write" test), and
 * every field our field manager owns live is still set by it (so the apply would remove
 * nothing). Anything short of that proof goes to the server-side dry-run.
 */
import { differences } from '../controllers/object-set/diff.js';
import type { KubeObject } from '../kube/index.js';
import type { JsonObject } from './objects.js';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An item of `list` holding every key field of `key` that it sets (defaulted ones may be absent). */
function findKeyed(list: readonly unknown[], key: JsonObject): unknown {
  return list.find((item) => {
    if (!isObject(item)) return false;
    let matched = 0;
    for (const [k, v] of Object.entries(key)) {
      if (item[k] === undefined) continue;
      if (JSON.stringify(item[k]) !== JSON.stringify(v)) return false;
      matched++;
    }
    return matched > 0;
  });
}

/** True when every path of the managed-fields set `fields` (FieldsV1) exists in `value`. */
export function coversFields(fields: unknown, value: unknown): boolean {
  if (!isObject(fields)) return true;
  for (const [k, sub] of Object.entries(fields)) {
    if (k === '.') continue;
    let next: unknown;
    const rest = k.slice(2);
    switch (k.slice(0, 2)) {
      case 'f:':
        if (!isObject(value) || value[rest] === undefined) return false;
        next = value[rest];
        break;
      case 'k:': {
        if (!Array.isArray(value)) return false;
        let key: unknown;
        try {
          key = JSON.parse(rest);
        } catch {
          return false;
        }
        if (!isObject(key)) return false;
        next = findKeyed(value, key);
        if (next === undefined) return false;
        break;
      }
      case 'v:': {
        if (!Array.isArray(value)) return false;
        if (!value.some((x) => JSON.stringify(x) === rest)) return false;
        continue;
      }
      case 'i:': {
        if (!Array.isArray(value)) return false;
        next = value[Number(rest)];
        if (next === undefined) return false;
        break;
      }
      default:
        return false;
    }
    if (!coversFields(sub, next)) return false;
  }
  return true;
}

/**
 * True when applying `desired` (with the engine's metadata already carried over from `live`) as
 * `fieldManager` provably changes nothing.
 */
export function provablyUnchanged(
  desired: KubeObject,
  live: KubeObject,
  fieldManager: string,
): boolean {
  if (differences(desired, live).length > 0) return false;
  for (const entry of live.metadata.managedFields ?? []) {
    const e = entry as { manager?: string; operation?: string; fieldsV1?: unknown };
    if (e.manager !== fieldManager || e.operation !== 'Apply') continue;
    if (!coversFields(e.fieldsV1, desired)) return false;
  }
  return true;
}
