/**
 * Desired vs live comparison (pure): does applying `desired` change anything we manage? Only the
 * fields the desired object sets are compared, so labels, annotations, defaults and fields other
 * managers own never cause a write; a value we set that someone changed does.
 */
import type { KubeObject } from '../../kube/index.js';

const ignoredTopLevel = new Set(['apiVersion', 'kind', 'metadata', 'status']);
const comparedMeta = ['labels', 'annotations'] as const;

/** True when applying `desired` over `live` would change a field `desired` manages. */
export function needsApply(desired: KubeObject, live: KubeObject): boolean {
  return differences(desired, live).length > 0;
}

/** Paths (dotted) where `live` differs from what `desired` sets; for logs and tests. */
export function differences(desired: KubeObject, live: KubeObject): string[] {
  const out: string[] = [];
  for (const key of comparedMeta) {
    const want = desired.metadata[key];
    if (want === undefined) continue;
    const have = live.metadata[key] ?? {};
    for (const [k, v] of Object.entries(want)) {
      if (have[k] !== v) out.push(`metadata.${key}.${k}`);
    }
  }
  for (const want of desired.metadata.ownerReferences ?? []) {
    const have = live.metadata.ownerReferences?.find((r) => r.uid === want.uid);
    if (
      have === undefined ||
      have.apiVersion !== want.apiVersion ||
      have.kind !== want.kind ||
      have.name !== want.name ||
      (have.controller ?? false) !== (want.controller ?? false) ||
      (want.blockOwnerDeletion !== undefined &&
        (have.blockOwnerDeletion ?? false) !== want.blockOwnerDeletion)
    ) {
      out.push(`metadata.ownerReferences[${want.uid}]`);
    }
  }
  for (const [k, v] of Object.entries(desired)) {
    if (ignoredTopLevel.has(k)) continue;
    collect(v, live[k], k, out);
  }
  return out;
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)
  );
}

function collect(want: unknown, have: unknown, path: string, out: string[]): void {
  if (want === null || want === undefined) {
    // Applying null removes the field: a difference only when something is there.
    if (!isEmpty(have)) out.push(path);
    return;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) {
      if (!(want.length === 0 && isEmpty(have))) out.push(path);
      return;
    }
    want.forEach((w, i) => collect(w, have[i], `${path}[${i}]`, out));
    return;
  }
  if (typeof want === 'object') {
    if (typeof have !== 'object' || have === null || Array.isArray(have)) {
      if (!(Object.keys(want).length === 0 && isEmpty(have))) out.push(path);
      return;
    }
    for (const [k, v] of Object.entries(want as Record<string, unknown>)) {
      collect(v, (have as Record<string, unknown>)[k], `${path}.${k}`, out);
    }
    return;
  }
  if (want !== have) out.push(path);
}
