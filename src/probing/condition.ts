/** The condition probe: `.status.conditions[type=X].status == S`, respecting observedGeneration. */
import { generationOf, goString, isMap, nestedField, nestedInt64 } from './object.js';
import type { KubeObject, ProbeResult, Prober } from './types.js';

export class ConditionProbe implements Prober {
  readonly type: string;
  readonly status: string;

  constructor(type: string, status: string) {
    this.type = type;
    this.status = status;
  }

  probe(obj: KubeObject): ProbeResult {
    const { found, value } = nestedField(obj, ['status', 'conditions']);
    if (!found) return unknown('missing .status.conditions');
    if (!Array.isArray(value)) return unknown('malformed .status.conditions');
    for (const cond of value as unknown[]) {
      if (!isMap(cond)) return unknown('malformed .status.conditions');
      if (cond['type'] !== this.type) continue;
      const observed = nestedInt64(cond, ['observedGeneration']);
      if (observed !== undefined && observed !== generationOf(obj)) {
        return unknown(`.status.condition["${this.type}"] outdated`);
      }
      if (cond['status'] === this.status) {
        return {
          status: 'True',
          messages: [`.status.condition["${this.type}"] is ${this.status}`],
        };
      }
      return {
        status: 'False',
        messages: [`.status.condition["${this.type}"] is ${goString(cond['status'])}`],
      };
    }
    return unknown(`missing .status.condition["${this.type}"]`);
  }
}

function unknown(message: string): ProbeResult {
  return { status: 'Unknown', messages: [message] };
}
