/**
 * The engines the CLI and controllers render with: adapters from the pipeline's capability
 * interfaces (`capabilities.ts`) to `src/gotemplate` and `src/cel`. The pipeline itself never
 * imports them; this file is the only place that does.
 */
import { createFilterEvaluator } from '../cel/index.js';
import {
  fromJSON,
  parseTemplates,
  pkoFuncs,
  typedMap,
  type GoMap,
  type GoValue,
} from '../gotemplate/index.js';
import { UserError } from '../errors.js';
import type { CelEvaluator, ParsedTemplates, TemplateEngine } from './capabilities.js';
import type { RenderCapabilities } from './render.js';
import { withContext } from './errors.js';

/** CEL with Package Operator's filter environment (`src/cel`). */
export const celEvaluator: CelEvaluator = {
  bind(variables) {
    const { cond, ...context } = variables;
    const evaluator = createFilterEvaluator(
      context,
      cond === undefined ? undefined : (cond as Record<string, boolean>),
    );
    return (expression) => evaluator.evaluate(expression);
  },
};

/** The context as Go sees it: JSON data, with `labels`/`annotations` typed `map[string]string`. */
function goContext(data: Record<string, unknown>): GoValue {
  const ctx = fromJSON(data) as GoMap;
  const pkg = ctx.package as GoMap | undefined;
  const meta = pkg?.metadata as GoMap | undefined;
  if (meta) {
    for (const key of ['labels', 'annotations']) {
      const m = meta[key];
      meta[key] = typedMap('map[string]string', (m ?? {}) as GoMap);
    }
  }
  return ctx;
}

/** Go text/template with sprig and Package Operator's functions (`src/gotemplate`). */
export const goTemplateEngine: TemplateEngine = {
  parse(templates, env): ParsedTemplates {
    const funcs = pkoFuncs({
      files: () => {
        const out: Record<string, string> = {};
        for (const p of env.listFiles()) out[p] = env.getFile(p) ?? '';
        return out;
      },
      cel: (expr) => env.cel(expr),
    });
    let set: ReturnType<typeof parseTemplates>;
    try {
      set = parseTemplates(Object.fromEntries(templates), { funcs });
    } catch (err) {
      throw withContext('parsing templates', new UserError((err as Error).message, { cause: err }));
    }
    return {
      execute(name, data) {
        try {
          return set.execute(name, goContext(data), { missingkey: 'error' });
        } catch (err) {
          throw new UserError((err as Error).message, { cause: err });
        }
      },
    };
  },
};

export function defaultRenderCapabilities(): RenderCapabilities {
  return { templates: goTemplateEngine, cel: celEvaluator };
}
