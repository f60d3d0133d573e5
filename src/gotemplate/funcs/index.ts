/**
 * The function library: sprig's functions on Package Operator's allow-list plus Package
 * Operator's own. `pkoFuncs(options)` is the set package templates get, `objectTemplateFuncs()`
 * the set of ObjectTemplates (no getFile, getFileGlob or cel).
 */
import type { FuncMap } from './registry.js';
import { dataFuncs } from './data.js';
import { stringFuncs } from './strings.js';
import { miscFuncs } from './misc.js';
import { pkoObjectTemplateFuncs, pkoPackageFuncs, type PkoFuncOptions } from './pko.js';

export type { PkoFuncOptions } from './pko.js';
export { includeDepthLimit } from './pko.js';
export { defineFunc, type FuncMap } from './registry.js';

let sprig: FuncMap | undefined;

/** sprig v3 functions on Package Operator's allow-list (no env, random, date, network, files). */
export function sprigFuncs(): FuncMap {
  sprig ??= Object.freeze({ ...stringFuncs(), ...dataFuncs(), ...miscFuncs() });
  return sprig;
}

/** Functions of a package's templates. `cel` exists only when a CEL hook is given. */
export function pkoFuncs(options: PkoFuncOptions = {}): FuncMap {
  return { ...sprigFuncs(), ...pkoPackageFuncs(options) };
}

/** Functions of ObjectTemplate / ClusterObjectTemplate templates. */
export function objectTemplateFuncs(): FuncMap {
  return { ...sprigFuncs(), ...pkoObjectTemplateFuncs() };
}
