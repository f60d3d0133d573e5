/**
 * CRD schema handling for custom resources, in the API server's order:
 *   decoded object -> pruneUnknownFields (reported per fieldValidation) -> applyDefaults
 *   -> validateCustomResource (OpenAPI value validations, list types, CEL rules, ratcheting)
 * plus defaulting on read (`withDefaults`), CEL compile checks of a CRD's rules (`ruleProblems`)
 * and the NonStructuralSchema condition controller.
 */
export { pruneRootMetadata, pruneUnknownFields } from './prune.js';
export { applyDefaults, withDefaults } from './defaults.js';
export { goFloat, ruleProblems, validateCustomResource } from './validate.js';
export type { ValidationResult } from './validate.js';
export { formatOk } from './formats.js';
export { NonStructuralController, nonStructuralViolations } from './nonstructural.js';
export type { SchemaNode } from './types.js';
