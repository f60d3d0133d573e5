/** TypeSchemas of the built-in kinds (first version: deduced). */
import { deducedSchema } from './schema.js';
import type { TypeSchema } from './types.js';

export function builtinTypeSchema(_apiVersion: string, _kind: string): TypeSchema {
  return deducedSchema;
}
