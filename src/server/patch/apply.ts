/** Server-side apply and managedFields bookkeeping (first version: merge without ownership). */
import { clone, jsonMergePatch } from './json-merge-patch.js';
import type { FieldConflict, KubeObject, TypeSchema } from './types.js';

export interface ApplyInput {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  schema: TypeSchema;
  /** RFC 3339 timestamp recorded in managedFields. */
  now: string;
  subresource?: string;
}

export type ApplyResult = { object: KubeObject } | { conflicts: FieldConflict[] };

export interface UpdateInput {
  before: KubeObject | undefined;
  after: KubeObject;
  manager: string;
  schema: TypeSchema;
  now: string;
  subresource?: string;
}

/** The apiserver's message for a 409 apply conflict. */
export function conflictMessage(conflicts: FieldConflict[]): string {
  const n = conflicts.length;
  const lines = conflicts.map((c) => `conflict with "${c.manager}": ${c.path}`);
  if (n === 1) return `Apply failed with 1 conflict: ${lines[0] ?? ''}`;
  return `Apply failed with ${n} conflicts: ${lines.join('\n')}`;
}

export function serverSideApply(input: ApplyInput): ApplyResult {
  const object = jsonMergePatch(input.live ?? {}, input.applied) as KubeObject;
  return { object };
}

export function recordUpdate(input: UpdateInput): KubeObject {
  return clone(input.after);
}
