/**
 * Go text/template, pure and byte-identical to Go: source files → lexer → parser (one template
 * set, every `define` registered by name) → executor over Go values (`value.ts`), with Go's fmt
 * printing (`fmt.ts`) and a FuncMap (`funcs/`) of sprig and Package Operator's functions. No
 * I/O: files, CEL and the like are injected through functions.
 *
 *   const set = parseTemplates(files, { funcs: pkoFuncs({ files, cel }) });
 *   const text = set.execute('deploy.yaml.gotmpl', fromJSON(context)); // missingkey=error
 *
 * Both throw only TemplateParseError / TemplateExecError (TemplateLimitError for the step,
 * output and nesting limits), with Go's messages.
 */
export * from './value.js';
export * from './errors.js';
export type { Limits, MissingKey, ParseOptions, ExecOptions, TemplateSet } from './api.js';
export { defaultLimits } from './api.js';
export { parseTemplates } from './template.js';
export { formatValue, formatFloat, sprint, sprintf, sprintln, quote, quoteASCII } from './fmt.js';
export {
  defineFunc,
  includeDepthLimit,
  objectTemplateFuncs,
  pkoFuncs,
  sprigFuncs,
  type FuncMap,
  type PkoFuncOptions,
} from './funcs/index.js';
