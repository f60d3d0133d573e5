/**
 * Template sets: parse every file (sorted by name, like the oracle and a deterministic PKO
 * render) into one set of trees, then execute any of them with fresh execution state.
 */
import {
  defaultLimits,
  type ExecOptions,
  type Limits,
  type ParseOptions,
  type TemplateSet,
} from './api.js';
import { TemplateExecError, TemplateParseError } from './errors.js';
import {
  ExecState,
  missingKeyMode,
  resolveFuncs,
  wrapOverflow,
  type ResolvedFuncs,
} from './exec.js';
import { quote } from './fmt.js';
import { parseInto, type Tree, type TreeSet } from './parser.js';
import { compareStrings, toValidText, type GoValue } from './value.js';

class ParsedSet implements TemplateSet {
  readonly names: readonly string[];

  constructor(
    private readonly trees: TreeSet,
    private readonly funcs: ResolvedFuncs,
  ) {
    this.names = [...trees.keys()].sort(compareStrings);
  }

  has(name: string): boolean {
    return this.trees.has(name);
  }

  execute(name: string, data: GoValue, opts?: ExecOptions): string {
    const tree: Tree | undefined = this.trees.get(name);
    if (tree === undefined) {
      throw new TemplateExecError(
        `template: no template ${quote(name)} associated with template ""`,
        name,
      );
    }
    const limits: Limits =
      opts?.limits === undefined ? defaultLimits : { ...defaultLimits, ...opts.limits };
    const funcs = this.funcs.with(opts?.funcs);
    const state = new ExecState(this.trees, funcs, missingKeyMode(opts?.missingkey), limits, name);
    try {
      state.run(tree, data === null ? undefined : data);
    } catch (err) {
      throw wrapOverflow(err, name);
    }
    return toValidText(state.out);
  }
}

/**
 * Parses `files` (name → source) into one template set. Each file is a template named by its
 * key; `define`/`block` add more. Throws TemplateParseError for the first file that fails.
 */
export function parseTemplates(
  files: Readonly<Record<string, string>>,
  opts?: ParseOptions,
): TemplateSet {
  const funcs = resolveFuncs(opts?.funcs);
  const hasFunc = (name: string): boolean => funcs.has(name);
  const trees: TreeSet = new Map();
  const names = Object.keys(files).sort(compareStrings);
  for (const name of names) {
    try {
      parseInto(trees, name, files[name]!, hasFunc);
    } catch (err) {
      if (err instanceof RangeError) {
        throw new TemplateParseError(`template: ${name}: nesting too deep`, name, 1);
      }
      throw err;
    }
  }
  return new ParsedSet(trees, funcs);
}
