/** The fieldsEqual probe: two dotted paths (no indexing) hold deeply equal values. */
import { deepEqual, goJson, nestedField } from './object.js';
import type { KubeObject, ProbeResult, Prober } from './types.js';

/** `.status.replicas` -> ['status', 'replicas'] (leading/trailing dots trimmed, split on dots). */
export function fieldPath(path: string): string[] {
  return path.replace(/^\.+|\.+$/g, '').split('.');
}

export class FieldsEqualProbe implements Prober {
  readonly fieldA: string;
  readonly fieldB: string;
  readonly #pathA: string[];
  readonly #pathB: string[];

  constructor(fieldA: string, fieldB: string) {
    this.fieldA = fieldA;
    this.fieldB = fieldB;
    this.#pathA = fieldPath(fieldA);
    this.#pathB = fieldPath(fieldB);
  }

  probe(obj: KubeObject): ProbeResult {
    const a = nestedField(obj, this.#pathA);
    if (!a.found) return { status: 'False', messages: [`"${this.fieldA}" missing`] };
    const b = nestedField(obj, this.#pathB);
    if (!b.found) return { status: 'False', messages: [`"${this.fieldB}" missing`] };
    if (!deepEqual(a.value, b.value)) {
      return {
        status: 'False',
        messages: [
          `"${this.fieldA}" != "${this.fieldB}" expected: ${goJson(a.value)} got: ${goJson(b.value)}`,
        ],
      };
    }
    return { status: 'True', messages: [`"${this.fieldA}" == "${this.fieldB}"`] };
  }
}
