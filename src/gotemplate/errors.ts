/**
 * Typed template errors. Messages are Go's text/template messages verbatim (they are compared
 * with the real Go implementation), e.g.
 * `template: deploy.yaml.gotmpl:3:14: executing "deploy.yaml.gotmpl" at <.config.x>: map has no entry for key "x"`.
 */

/** Base class of every error the engine throws on purpose. */
export class TemplateError extends Error {
  override readonly name: string = 'TemplateError';
  /** Which stage failed, as the oracle protocol names it. */
  readonly stage: 'parse' | 'exec' = 'exec';
}

/** The template set does not parse: `template: <name>:<line>: <message>`. */
export class TemplateParseError extends TemplateError {
  override readonly name: string = 'TemplateParseError';
  override readonly stage = 'parse' as const;

  constructor(
    message: string,
    /** Name of the template (file) being parsed. */
    readonly templateName: string,
    /** 1-based line of the error. */
    readonly line: number,
  ) {
    super(message);
  }
}

/** Execution failed: `template: <name>:<line>:<col>: executing "<tmpl>" at <<node>>: <message>`. */
export class TemplateExecError extends TemplateError {
  override readonly name: string = 'TemplateExecError';
  override readonly stage = 'exec' as const;

  constructor(
    message: string,
    /** Name of the template executing when the error happened. */
    readonly templateName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type LimitKind = 'steps' | 'output' | 'depth';

/** A resource limit stopped the execution (a hostile or runaway template). */
export class TemplateLimitError extends TemplateExecError {
  override readonly name: string = 'TemplateLimitError';

  constructor(
    message: string,
    templateName: string,
    readonly limit: LimitKind,
  ) {
    super(message, templateName);
  }
}

export function isTemplateError(err: unknown): err is TemplateError {
  return err instanceof TemplateError;
}
