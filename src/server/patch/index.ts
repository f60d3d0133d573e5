/**
 * Patch module: request body + live object -> new object (+ managedFields). Pure: no I/O, no clock
 * (the caller passes `now`).
 *
 *   merge patch (RFC 7386) | JSON patch (RFC 6902) | strategic merge patch (built-ins, by schema)
 *   server-side apply: typed field sets (FieldsV1) -> conflicts or merge -> managedFields
 *   recordUpdate: managedFields bookkeeping for non-apply writes
 */
export type {
  DeducedSchema,
  FieldConflict,
  FieldsV1,
  KubeObject,
  ListSchema,
  ListType,
  ManagedFieldsEntry,
  MapSchema,
  MapType,
  ObjectMeta,
  ScalarSchema,
  TypeSchema,
} from './types.js';
export { PatchError } from './types.js';
export { jsonMergePatch } from './json-merge-patch.js';
export { applyJsonPatch, maxJsonPatchOperations } from './json-patch.js';
export { strategicMergePatch } from './strategic-merge-patch.js';
export {
  serverSideApply,
  recordUpdate,
  conflictMessage,
  conflictCauses,
  maxUpdateManagers,
  lastAppliedAnnotation,
} from './apply.js';
export type { ApplyInput, ApplyResult, UpdateInput } from './apply.js';
export { typeSchemaFromOpenAPI, deducedSchema } from './schema.js';
export { builtinTypeSchema, isBuiltinKind } from './builtin-schemas.js';
