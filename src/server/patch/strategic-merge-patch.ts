/** Strategic merge patch (first version: merge patch semantics). */
import { jsonMergePatch } from './json-merge-patch.js';
import type { TypeSchema } from './types.js';

export function strategicMergePatch(
  original: unknown,
  patch: unknown,
  _schema: TypeSchema,
): unknown {
  return jsonMergePatch(original, patch);
}
