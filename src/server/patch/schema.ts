/** TypeSchema from a CRD's openAPIV3Schema (first version: deduced). */
import type { TypeSchema } from './types.js';

export const deducedSchema: TypeSchema = { type: 'deduced' };

export function typeSchemaFromOpenAPI(_schema: unknown): TypeSchema {
  return deducedSchema;
}
