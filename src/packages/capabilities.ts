/**
 * The narrow capabilities the pipeline is given instead of importing engines directly: a Go
 * text/template engine and a CEL evaluator. Adapters over `src/gotemplate` and `src/cel` implement
 * them; the pipeline never depends on how.
 */

/** Package-specific template functions (`getFile`, `getFileGlob`, `cel`) need these. */
export interface TemplateFuncEnv {
  /** Current content of a package file (rendered templates appear as they are rendered). */
  getFile(path: string): string | undefined;
  /** Paths of every current package file, sorted. */
  listFiles(): string[];
  /** Evaluates a CEL condition with the render context. */
  cel(expression: string): boolean;
}

/** A parsed set of package templates. */
export interface ParsedTemplates {
  /** Executes the template named by its path with `data` as dot; throws with Go's message. */
  execute(name: string, data: Record<string, unknown>): string;
}

export interface TemplateEngine {
  /**
   * Parses all templates into one set (so `define` works across files), each named by its path,
   * with the sprig allow-list and Package Operator's functions bound to `env`.
   */
  parse(templates: ReadonlyMap<string, string>, env: TemplateFuncEnv): ParsedTemplates;
}

export interface CelEvaluator {
  /**
   * Binds the variables once (top-level names `package`, `config`, `images`, `dependencies`,
   * `environment`, and `cond` once named conditions are known) and returns an evaluator of boolean
   * expressions against them. It throws on a compile error or a non-bool result.
   */
  bind(variables: Readonly<Record<string, unknown>>): (expression: string) => boolean;
}
