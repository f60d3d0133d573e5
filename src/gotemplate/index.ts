/**
 * Go text/template, pure and byte-identical to Go: source files → lexer → parser (one template
 * set, every `define` registered by name) → executor over Go values (`value.ts`), with Go's fmt
 * printing (`fmt.ts`) and a FuncMap (`funcs/registry.ts`) for sprig and Package Operator's
 * functions. No I/O: files, CEL and the like are injected through functions.
 */
export * from './value.js';
export * from './errors.js';
export type { FuncMap } from './funcs/registry.js';
export type { Limits, MissingKey, ParseOptions, ExecOptions, TemplateSet } from './api.js';
export { defaultLimits } from './api.js';
export { defineFunc } from './funcs/registry.js';
export { parseTemplates } from './template.js';
export { formatValue, formatFloat, sprint, sprintf, sprintln, quote, quoteASCII } from './fmt.js';
