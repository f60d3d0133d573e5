/** The object shapes the server stores and serves, as loose as the wire format allows. */

import { cloneJson } from '../clone.js';
import type {
  WireObject as KubeObject,
  WireObjectMeta as ObjectMeta,
  WireOwnerReference as OwnerReference,
} from '../apis/wire.js';

export type { KubeObject, ObjectMeta, OwnerReference };

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy of a JSON-like value (`src/clone.ts`). */
export function clone<T>(v: T): T {
  return cloneJson(v);
}

let lastSecond = Number.NaN;
let lastTime = '';

/** RFC 3339 with second precision, as Kubernetes writes timestamps. */
export function kubeTime(d: Date = new Date()): string {
  // Every write stamps a time, and most fall in the second of the one before.
  const second = Math.floor(d.getTime() / 1000);
  if (second !== lastSecond) {
    lastTime = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = second;
  }
  return lastTime;
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isRecord(a)) {
    if (!isRecord(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
