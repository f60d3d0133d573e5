/**
 * Package Operator's own template functions: include, toYAML, fromYAML, b64decMap, getFile,
 * getFileGlob and cel. File access and CEL are injected, so the engine stays pure.
 */
import { bytesToString, isGoMap, mapSet, newMap, typedMap } from '../value.js';
import { defineFunc, type FuncMap } from './registry.js';
import { base64ErrorOffset } from './convert.js';
import { compileGlob } from './glob.js';
import { marshalYAML } from './yaml-emit.js';
import { parseYAML } from './yaml-parse.js';

/** Package Operator's recursion limit of `include`, per template name. */
export const includeDepthLimit = 1000;

export interface PkoFuncOptions {
  /** The package's files by package-relative path (`getFile`, `getFileGlob`); a function is
   *  consulted on every call, so a live file map can change during a render. */
  files?: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);
  /** Evaluates a CEL expression against the render context (`cel "expr"`); without it `cel`
   *  is not defined. */
  cel?: (expression: string) => boolean;
}

/**
 * `include name data`: executes a named template and returns its output. Package Operator counts
 * nested includes per name and fails beyond 1000 (its transform.SprigFuncs, message included).
 */
function includeFunc(): FuncMap {
  return {
    include: defineFunc(['string', 'interface {}'], ([name, data], env) => {
      const n = name as string;
      const key = `include:${n}`;
      const depth = (env.state.get(key) as number | undefined) ?? 0;
      if (depth > includeDepthLimit)
        throw new Error(`including template with name ${n}: exceeded max include recursion depth`);
      if (!env.hasTemplate(n))
        throw new Error(`template: no template "${n}" associated with template ""`);
      env.state.set(key, depth + 1);
      const out = env.executeTemplate(n, data ?? null);
      env.state.set(key, depth);
      return out;
    }),
  };
}

function yamlFuncs(): FuncMap {
  return {
    toYAML: defineFunc(['interface {}'], ([v]) => {
      const out = marshalYAML(v ?? null);
      return out.endsWith('\n') ? out.slice(0, -1) : out;
    }),
    fromYAML: defineFunc(['interface {}'], ([v]) => {
      if (typeof v === 'string') return parseYAML(v);
      if (v instanceof Uint8Array) return parseYAML(bytesToString(v));
      throw new Error('fromYAML requires string or []byte as input: invalid type');
    }),
    b64decMap: defineFunc(['map[string]interface {}'], ([m]) => {
      const out = newMap();
      if (m === null || !isGoMap(m)) return out;
      for (const [k, v] of Object.entries(m)) {
        if (typeof v !== 'string') continue;
        const at = base64ErrorOffset(v);
        if (at !== undefined)
          throw new Error(
            `decode base64 value at key ${k}: illegal base64 data at input byte ${at}`,
          );
        const s = v.replace(/[\r\n]/g, '');
        mapSet(out, k, bytesToString(Buffer.from(s, 'base64')));
      }
      return out;
    }),
  };
}

function fileFuncs(files: NonNullable<PkoFuncOptions['files']>): FuncMap {
  const current = (): Readonly<Record<string, string>> =>
    typeof files === 'function' ? files() : files;
  return {
    getFile: defineFunc(['string'], ([p]) => {
      const all = current();
      if (!Object.hasOwn(all, p as string)) throw new Error('file not found');
      return all[p as string]!;
    }),
    getFileGlob: defineFunc(['string'], ([pattern]) => {
      let re: RegExp;
      try {
        re = compileGlob(pattern as string);
      } catch (err) {
        throw new Error('syntax error in pattern', { cause: err });
      }
      const match = (p: string): boolean => re.test(p);
      const out = newMap();
      for (const [p, content] of Object.entries(current())) if (match(p)) mapSet(out, p, content);
      return typedMap('map[string]string', out);
    }),
  };
}

/** The functions of ObjectTemplates: include, toYAML, fromYAML, b64decMap (no files, no CEL). */
export function pkoObjectTemplateFuncs(): FuncMap {
  return { ...includeFunc(), ...yamlFuncs() };
}

/** The functions of package templates: ObjectTemplate functions plus getFile/getFileGlob/cel. */
export function pkoPackageFuncs(options: PkoFuncOptions = {}): FuncMap {
  const funcs: Record<string, FuncMap[string]> = {
    ...pkoObjectTemplateFuncs(),
    ...fileFuncs(options.files ?? {}),
  };
  const cel = options.cel;
  if (cel !== undefined) funcs.cel = defineFunc(['string'], ([expr]) => cel(expr as string));
  return funcs;
}
