/** One oracle case: a template set, what to execute and the data, in the oracle's request shape. */
export interface CorpusCase {
  id: string;
  /** A single template (named `template` by the oracle), or a named set. */
  template?: string;
  templates?: Record<string, string>;
  execute?: string;
  /** Name of a shared context in `contexts.ts`; `context` wins when both are set. */
  ctx?: string;
  context?: unknown;
  missingkey?: 'error' | 'default' | 'zero';
  files?: Record<string, string>;
}

/** Builds cases `<prefix>/<n>` from templates sharing one context. */
export function series(
  prefix: string,
  templates: readonly string[],
  extra: Omit<CorpusCase, 'id' | 'template'> = { ctx: 'std' },
): CorpusCase[] {
  return templates.map((template, i) => ({ id: `${prefix}/${i + 1}`, template, ...extra }));
}
