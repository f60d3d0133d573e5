/**
 * The engine's public types. `parseTemplates(files, {funcs})` parses every file into one set
 * (each template named by its path, plus every `define`/`block`); `set.execute(name, data, opts)`
 * renders one of them. Both throw only TemplateParseError / TemplateExecError (TemplateLimitError
 * is an exec error) with Go's messages.
 */
import type { FuncMap } from './funcs/registry.js';
import type { GoValue } from './value.js';

/** What a missing map key does: Go's `missingkey=` option. Package Operator uses `error`. */
export type MissingKey = 'error' | 'default' | 'zero';

export interface Limits {
  /** Evaluation steps (actions, commands, range iterations) per execute. */
  readonly maxSteps: number;
  /** Output size in UTF-16 code units per execute (including nested includes). */
  readonly maxOutputBytes: number;
  /** Nesting of `template`/`include` calls (Go's own limit is 100000). */
  readonly maxDepth: number;
}

export const defaultLimits: Limits = {
  maxSteps: 10_000_000,
  maxOutputBytes: 64 * 1024 * 1024,
  maxDepth: 1000,
};

export interface ParseOptions {
  /** Functions besides the built-ins; names are checked at parse time like Go. */
  readonly funcs?: FuncMap;
}

export interface ExecOptions {
  /** Default `error`, Package Operator's setting. */
  readonly missingkey?: MissingKey;
  readonly limits?: Partial<Limits>;
  /** Replaces implementations of functions given at parse time (same names), e.g. per render. */
  readonly funcs?: FuncMap;
}

/** A parsed set of templates. Immutable and reusable: execute it any number of times. */
export interface TemplateSet {
  /** Every template name: the files and their `define`s, sorted. */
  readonly names: readonly string[];
  has(name: string): boolean;
  /** Renders the named template with `data` as dot. */
  execute(name: string, data: GoValue, opts?: ExecOptions): string;
}
