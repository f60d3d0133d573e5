/**
 * The executor: walks a parsed tree over Go values like Go's text/template exec.go (same
 * evaluation order, type checks and error texts), writing to a string. Break/continue travel as
 * return codes; errors are thrown as TemplateExecError; steps, output size and template nesting
 * are bounded (TemplateLimitError).
 */
import type { Limits, MissingKey } from './api.js';
import { builtins, canBeNil, truth } from './builtins.js';
import { TemplateError, TemplateExecError, TemplateLimitError } from './errors.js';
import { formatValue, quote } from './fmt.js';
import type { FuncMap } from './funcs/registry.js';
import {
  N,
  nodeString,
  type ActionNode,
  type ArgNode,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type VariableNode,
} from './nodes.js';
import type { Tree } from './parser.js';
import {
  GoFuncValue,
  GoInt,
  GoStruct,
  goInt,
  goTypeName,
  isIntKind,
  isTrue,
  mapElemType,
  sortedKeys,
  utf8Length,
  zeroValue,
  type CallEnv,
  type GoFunc,
  type GoValue,
} from './value.js';

const MISSING: unique symbol = Symbol('missing');
type Final = GoValue | typeof MISSING;

const RV = 'reflect.Value';
const IFACE = 'interface {}';

/** Walk results: carry on, or unwind to the enclosing range. */
const OK = 0;
const BREAK = 1;
const CONTINUE = 2;
type Flow = typeof OK | typeof BREAK | typeof CONTINUE;

const MK_DEFAULT = 0;
const MK_ZERO = 1;
const MK_ERROR = 2;

export function missingKeyMode(m: MissingKey | undefined): number {
  return m === 'default' ? MK_DEFAULT : m === 'zero' ? MK_ZERO : MK_ERROR;
}

export interface FuncEntry {
  readonly fn: GoFunc;
  readonly builtin: boolean;
}

/** Function lookup: the given FuncMaps (later ones win) over the builtins, like Go's
 *  execFuncs-then-builtins order. No copying, so building one per parse or execute is free. */
export class ResolvedFuncs {
  private readonly layers: readonly FuncMap[];
  private readonly cache = new Map<string, FuncEntry | null>();

  constructor(layers: readonly (FuncMap | undefined)[]) {
    this.layers = layers.filter((l): l is FuncMap => l !== undefined).reverse();
  }

  with(funcs: FuncMap | undefined): ResolvedFuncs {
    if (funcs === undefined) return this;
    return new ResolvedFuncs([...[...this.layers].reverse(), funcs]);
  }

  get(name: string): FuncEntry | undefined {
    const hit = this.cache.get(name);
    if (hit !== undefined) return hit ?? undefined;
    let found: FuncEntry | null = null;
    for (const layer of this.layers) {
      if (Object.hasOwn(layer, name)) {
        found = { fn: layer[name]!, builtin: false };
        break;
      }
    }
    if (found === null && Object.hasOwn(builtins, name)) {
      found = { fn: builtins[name]!, builtin: true };
    }
    this.cache.set(name, found);
    return found ?? undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/** User functions over the builtins. */
export function resolveFuncs(funcs: FuncMap | undefined): ResolvedFuncs {
  return new ResolvedFuncs([funcs]);
}

function byteColumn(text: string, pos: number): [number, number] {
  const before = text.slice(0, pos);
  let line = 1;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) line++;
  const nl = before.lastIndexOf('\n');
  return [line, utf8Length(nl < 0 ? before : before.slice(nl + 1))];
}

/** Thrown inside a function call when the JS stack runs out, turned into a limit error. */
function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && err.message.includes('call stack');
}

interface Snapshot {
  readonly out: string;
  readonly node: Node | null;
  readonly tmplName: string;
  readonly varBase: number;
  readonly vlen: number;
  readonly dotIface: boolean;
  readonly depth: number;
}

export class ExecState implements CallEnv {
  out = '';
  /** Name of the template executing (Go's s.tmpl.Name()). */
  tmplName: string;
  node: Node | null = null;
  // Variable stack: parallel arrays; lookups stop at varBase (the running template's `$`).
  names: string[] = [];
  values: GoValue[] = [];
  ifaces: boolean[] = [];
  vlen = 0;
  varBase = 0;
  /** Whether dot came out of an interface-typed container (for Go's error type names). */
  dotIface = false;
  /** Whether the last evalField result was read from an interface-typed container. */
  lastIface = false;
  depth = 0;
  steps = 0;
  written = 0;
  readonly state = new Map<string, unknown>();

  constructor(
    readonly trees: ReadonlyMap<string, Tree>,
    readonly funcs: ResolvedFuncs,
    readonly missingKey: number,
    readonly limits: Limits,
    tmplName: string,
  ) {
    this.tmplName = tmplName;
  }

  // --- errors

  /** Go's error text: `template: <file>:<line>:<col>: executing "<name>" at <<node>>: <msg>`. */
  located(msg: string): string {
    const name = this.tmplName;
    const node = this.node;
    if (node === null) return `template: ${name}: ${msg}`;
    const [line, col] = byteColumn(node.src.text, node.pos);
    const location = `${node.src.parseName}:${line}:${col}`;
    return `template: ${location}: executing ${quote(name)} at <${nodeString(node)}>: ${msg}`;
  }

  errorf(msg: string): never {
    throw new TemplateExecError(this.located(msg), this.tmplName);
  }

  limitError(kind: 'steps' | 'output' | 'depth', msg: string): never {
    throw new TemplateLimitError(this.located(msg), this.tmplName, kind);
  }

  step(): void {
    if (++this.steps > this.limits.maxSteps) {
      this.limitError('steps', `execution exceeded the step limit (${this.limits.maxSteps})`);
    }
  }

  write(s: string): void {
    this.out += s;
    this.written += s.length;
    if (this.written > this.limits.maxOutputBytes) {
      this.limitError(
        'output',
        `output exceeded the size limit (${this.limits.maxOutputBytes} bytes)`,
      );
    }
  }

  // --- variables

  push(name: string, value: GoValue, iface: boolean): void {
    const i = this.vlen++;
    this.names[i] = name;
    this.values[i] = value;
    this.ifaces[i] = iface;
  }

  setVar(name: string, value: GoValue): void {
    for (let i = this.vlen - 1; i >= this.varBase; i--) {
      if (this.names[i] === name) {
        this.values[i] = value;
        this.ifaces[i] = false;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  varIndex(name: string): number {
    for (let i = this.vlen - 1; i >= this.varBase; i--) if (this.names[i] === name) return i;
    this.errorf(`undefined variable: ${name}`);
  }

  // --- running templates

  /** Runs a tree as a fresh template invocation with `dot` (Go's Execute / {{template}}). */
  run(tree: Tree, dot: GoValue): void {
    const savedName = this.tmplName;
    const savedBase = this.varBase;
    const savedLen = this.vlen;
    const savedDotIface = this.dotIface;
    this.tmplName = tree.name;
    this.varBase = this.vlen;
    this.push('$', dot, false);
    this.dotIface = false;
    // No try/finally on the recursion path (it costs stack): an error aborts the whole
    // execution, and executeTemplate restores everything for functions that call back in.
    const nodes = tree.root.nodes;
    for (let i = 0; i < nodes.length; i++) this.walk(dot, nodes[i]!);
    this.tmplName = savedName;
    this.varBase = savedBase;
    this.vlen = savedLen;
    this.dotIface = savedDotIface;
  }

  executeTemplate(name: string, data: GoValue): string {
    const tree = this.trees.get(name);
    if (tree === undefined) {
      throw new TemplateExecError(
        `template: no template ${quote(name)} associated with template ""`,
        name,
      );
    }
    if (this.depth >= this.limits.maxDepth) {
      this.limitError('depth', `exceeded maximum template depth (${this.limits.maxDepth})`);
    }
    // One snapshot object instead of many locals: this frame repeats at every include level.
    const saved = this.snapshot();
    this.out = '';
    this.depth++;
    try {
      // run(), inlined: every frame on the include recursion path costs stack depth.
      const dot = data === null ? undefined : data;
      this.tmplName = tree.name;
      this.varBase = this.vlen;
      this.push('$', dot, false);
      this.dotIface = false;
      const nodes = tree.root.nodes;
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i]!;
        // Branches and actions are handled here rather than through walk(): one frame less
        // per nesting level (a deep include chain must not exhaust the JS stack).
        if (n.kind === N.if || n.kind === N.with) {
          if (++this.steps > this.limits.maxSteps) this.step();
          this.node = n;
          this.walkIfOrWith(dot, n);
        } else if (n.kind === N.action) this.walkAction(dot, n);
        else this.walk(dot, n);
      }
      return this.out;
    } finally {
      // Restores everything, also after an error: the caller is a function that may go on.
      this.restore(saved);
    }
  }

  snapshot(): Snapshot {
    return {
      out: this.out,
      node: this.node,
      tmplName: this.tmplName,
      varBase: this.varBase,
      vlen: this.vlen,
      dotIface: this.dotIface,
      depth: this.depth,
    };
  }

  restore(s: Snapshot): void {
    this.out = s.out;
    this.node = s.node;
    this.tmplName = s.tmplName;
    this.varBase = s.varBase;
    this.vlen = s.vlen;
    this.dotIface = s.dotIface;
    this.depth = s.depth;
  }

  hasTemplate(name: string): boolean {
    return this.trees.has(name);
  }

  // --- walking

  walkList(dot: GoValue, list: ListNode): Flow {
    const nodes = list.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const f = this.walk(dot, nodes[i]!);
      if (f !== OK) return f;
    }
    return OK;
  }

  walk(dot: GoValue, node: Node): Flow {
    if (++this.steps > this.limits.maxSteps) this.step();
    this.node = node;
    switch (node.kind) {
      case N.text:
        this.out += node.text;
        this.written += node.text.length;
        if (this.written > this.limits.maxOutputBytes) this.write('');
        return OK;
      case N.action:
        this.walkAction(dot, node);
        return OK;
      case N.if:
      case N.with:
        return this.walkIfOrWith(dot, node);
      case N.range:
        return this.walkRange(dot, node);
      case N.list:
        return this.walkList(dot, node);
      case N.template:
        this.walkTemplate(dot, node);
        return OK;
      case N.break:
        return BREAK;
      case N.continue:
        return CONTINUE;
      case N.comment:
        return OK;
      default:
        return this.errorf(`unknown node: ${nodeString(node)}`);
    }
  }

  walkAction(dot: GoValue, node: ActionNode): void {
    if (++this.steps > this.limits.maxSteps) this.step();
    this.node = node;
    const val = this.evalPipeline(dot, node.pipe);
    if (node.pipe.decl.length === 0) this.printValue(node, val);
  }

  printValue(node: Node, v: GoValue): void {
    this.node = node;
    if (v === undefined || v === null) {
      this.write('<no value>');
      return;
    }
    if (typeof v === 'string') {
      this.out += v;
      this.written += v.length;
      if (this.written > this.limits.maxOutputBytes) this.write('');
      return;
    }
    if (v instanceof GoFuncValue) {
      this.errorf(`can't print ${nodeString(node)} of type ${v.goType}`);
    }
    this.write(formatValue(v));
  }

  walkIfOrWith(dot: GoValue, node: BranchNode): Flow {
    const mark = this.vlen;
    const savedDotIface = this.dotIface;
    const val = this.evalPipeline(dot, node.pipe);
    let list: ListNode | null;
    if (isTrue(val)) {
      list = node.list;
      if (node.kind === N.with) {
        dot = val;
        this.dotIface = false;
      }
    } else list = node.elseList;
    let f: Flow = OK;
    if (list !== null) {
      const nodes = list.nodes;
      for (let i = 0; i < nodes.length && f === OK; i++) {
        const n = nodes[i]!;
        if (n.kind === N.action) {
          // walkAction, inlined: one frame less per nesting level (deep include chains)
          if (++this.steps > this.limits.maxSteps) this.step();
          this.node = n;
          const val = this.evalPipeline(dot, n.pipe);
          if (n.pipe.decl.length === 0) this.printValue(n, val);
        } else f = this.walk(dot, n);
      }
    }
    this.vlen = mark;
    this.dotIface = savedDotIface;
    return f;
  }

  walkRange(dot: GoValue, r: BranchNode): Flow {
    this.node = r;
    const outer = this.vlen;
    const savedDotIface = this.dotIface;
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.vlen;
      const nDecl = r.pipe.decl.length;
      let ran = false;
      const iterate = (index: GoValue, elem: GoValue, elemIface: boolean): boolean => {
        this.step();
        if (nDecl > 0) {
          this.values[this.vlen - 1] = elem;
          this.ifaces[this.vlen - 1] = elemIface;
        }
        if (nDecl > 1) {
          this.values[this.vlen - 2] = index;
          this.ifaces[this.vlen - 2] = false;
        }
        this.dotIface = elemIface;
        const f = this.walkList(elem, r.list);
        this.vlen = mark;
        return f === BREAK;
      };
      if (Array.isArray(val)) {
        if (val.length > 0) {
          ran = true;
          const iface = goTypeName(val) === '[]interface {}';
          for (let i = 0; i < val.length; i++) {
            if (iterate(goInt(i), val[i], iface)) break;
          }
        }
      } else if (val instanceof Uint8Array) {
        if (val.length > 0) {
          ran = true;
          for (let i = 0; i < val.length; i++) {
            if (iterate(goInt(i), new GoInt('uint8', BigInt(val[i]!)), false)) break;
          }
        }
      } else if (val instanceof GoInt) {
        if (nDecl > 1) {
          this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
        }
        if (val.value > 0n) {
          ran = true;
          const n = val.value;
          for (let i = 0n; i < n; i++) {
            const iv = new GoInt(val.kind, i);
            if (iterate(iv, iv, false)) break;
          }
        }
      } else if (
        val !== undefined &&
        val !== null &&
        typeof val === 'object' &&
        !(val instanceof GoStruct) &&
        !(val instanceof GoFuncValue)
      ) {
        const m = val;
        const keys = sortedKeys(m);
        if (keys.length > 0) {
          ran = true;
          const iface = (mapElemType(goTypeName(m)) ?? IFACE) === IFACE;
          // Go ranges over a sorted snapshot of keys and values (fmtsort), so functions that
          // change the map inside the loop (set, unset) do not change what is visited.
          const values = keys.map((k) => m[k]);
          for (let i = 0; i < keys.length; i++) {
            if (iterate(keys[i], values[i], iface)) break;
          }
        }
      } else if (val !== undefined && val !== null) {
        this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
      this.dotIface = savedDotIface;
      if (!ran && r.elseList !== null) return this.walkList(dot, r.elseList);
      return OK;
    } finally {
      this.vlen = outer;
      this.dotIface = savedDotIface;
    }
  }

  walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.node = t;
    const tree = this.trees.get(t.name);
    if (tree === undefined) this.errorf(`template ${quote(t.name)} not defined`);
    if (this.depth >= this.limits.maxDepth) {
      this.limitError('depth', `exceeded maximum template depth (${this.limits.maxDepth})`);
    }
    const newDot = t.pipe === null ? undefined : this.evalPipeline(dot, t.pipe);
    this.depth++;
    this.run(tree, newDot);
    this.depth--;
  }

  // --- evaluation

  evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.node = pipe;
    let value: Final = MISSING;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) {
      const cmd = cmds[i]!;
      const first = cmd.args[0]!;
      if (first.kind === N.identifier) {
        // evalCommand's function case, inlined (stack depth of include recursion)
        this.node = first;
        const entry = this.funcs.get(first.ident);
        if (entry === undefined) this.errorf(`${quote(first.ident)} is not a defined function`);
        this.lastIface = false;
        value = this.evalCall(dot, entry.fn, entry.builtin, cmd, first.ident, cmd.args, value);
      } else value = this.evalCommand(dot, cmd, value);
      // Go's "lovely" unwrapping of interface values: a nil interface becomes no value.
      if (value === null) value = undefined;
    }
    if (pipe.decl.length > 0) this.declare(pipe, value as GoValue);
    return value as GoValue;
  }

  declare(pipe: PipeNode, v: GoValue): void {
    const decl = pipe.decl;
    for (let i = 0; i < decl.length; i++) {
      const name = decl[i]!.ident[0]!;
      if (pipe.isAssign) this.setVar(name, v);
      else this.push(name, v, false);
    }
  }

  notAFunction(args: readonly ArgNode[] | null, final: Final): void {
    if ((args !== null && args.length > 1) || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args![0]!)}`);
    }
  }

  evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case N.field:
        return this.evalFieldNode(dot, first, cmd.args, final);
      case N.chain:
        return this.evalChainNode(dot, first, cmd.args, final);
      case N.identifier: {
        this.node = first;
        const entry = this.funcs.get(first.ident);
        if (entry === undefined) this.errorf(`${quote(first.ident)} is not a defined function`);
        this.lastIface = false;
        return this.evalCall(dot, entry.fn, entry.builtin, cmd, first.ident, cmd.args, final);
      }
      case N.pipe:
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case N.variable:
        return this.evalVariableNode(dot, first, cmd.args, final);
      default:
        break;
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case N.bool:
        return first.value;
      case N.dot:
        return dot;
      case N.nil:
        return this.errorf('nil is not a command');
      case N.number:
        return this.idealConstant(first);
      case N.string:
        return first.text;
    }
  }

  idealConstant(n: NumberNode): GoValue {
    this.node = n;
    if (n.idealError !== undefined) this.errorf(n.idealError);
    return n.ideal;
  }

  evalFieldNode(
    dot: GoValue,
    field: FieldNode,
    args: readonly ArgNode[] | null,
    final: Final,
  ): GoValue {
    this.node = field;
    return this.evalFieldChain(dot, dot, this.dotIface, field, field.ident, 0, args, final);
  }

  evalChainNode(
    dot: GoValue,
    chain: ChainNode,
    args: readonly ArgNode[] | null,
    final: Final,
  ): GoValue {
    this.node = chain;
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.kind === N.nil) {
      this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    }
    this.lastIface = false;
    const pipe = this.evalArgUntyped(dot, chain.node);
    return this.evalFieldChain(dot, pipe, this.lastIface, chain, chain.field, 0, args, final);
  }

  evalVariableNode(
    dot: GoValue,
    variable: VariableNode,
    args: readonly ArgNode[] | null,
    final: Final,
  ): GoValue {
    this.node = variable;
    const i = this.varIndex(variable.ident[0]!);
    const value = this.values[i];
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      this.lastIface = this.ifaces[i]!;
      return value;
    }
    return this.evalFieldChain(
      dot,
      value,
      this.ifaces[i]!,
      variable,
      variable.ident,
      1,
      args,
      final,
    );
  }

  evalFieldChain(
    dot: GoValue,
    receiver: GoValue,
    iface: boolean,
    node: Node,
    ident: readonly string[],
    start: number,
    args: readonly ArgNode[] | null,
    final: Final,
  ): GoValue {
    const n = ident.length;
    for (let i = start; i < n - 1; i++) {
      receiver = this.evalField(dot, ident[i]!, node, null, MISSING, receiver, iface);
      iface = this.lastIface;
    }
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver, iface);
  }

  evalFunction(
    dot: GoValue,
    node: IdentifierNode,
    cmd: Node,
    args: readonly ArgNode[] | null,
    final: Final,
  ): GoValue {
    this.node = node;
    const name = node.ident;
    const entry = this.funcs.get(name);
    if (entry === undefined) this.errorf(`${quote(name)} is not a defined function`);
    this.lastIface = false;
    return this.evalCall(dot, entry.fn, entry.builtin, cmd, name, args, final);
  }

  evalField(
    dot: GoValue,
    fieldName: string,
    node: Node,
    args: readonly ArgNode[] | null,
    final: Final,
    receiver: GoValue,
    iface: boolean,
  ): GoValue {
    if (receiver === undefined) {
      if (this.missingKey === MK_ERROR)
        this.errorf(`nil data; no entry for key ${quote(fieldName)}`);
      this.lastIface = false;
      return undefined;
    }
    if (receiver === null) {
      this.errorf(`nil pointer evaluating interface {}.${fieldName}`);
    }
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (typeof receiver === 'object') {
      if (receiver instanceof GoStruct) {
        const method = receiver.getMethod(fieldName);
        if (method !== undefined) {
          this.lastIface = false;
          return this.evalCall(dot, method, false, node, fieldName, args, final);
        }
        const field = receiver.getField(fieldName);
        if (field !== undefined) {
          if (hasArgs) {
            this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
          }
          this.lastIface = false;
          return field.value;
        }
      } else if (
        !Array.isArray(receiver) &&
        !(receiver instanceof GoInt) &&
        !(receiver instanceof Uint8Array) &&
        !(receiver instanceof GoFuncValue)
      ) {
        const m = receiver;
        if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
        const elemType = mapElemType(goTypeName(m)) ?? IFACE;
        this.lastIface = elemType === IFACE;
        if (Object.hasOwn(m, fieldName)) return m[fieldName];
        switch (this.missingKey) {
          case MK_DEFAULT:
            return undefined;
          case MK_ZERO:
            return zeroValue(elemType);
          default:
            this.errorf(`map has no entry for key ${quote(fieldName)}`);
        }
      }
    }
    const typ = iface ? IFACE : goTypeName(receiver);
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  evalCall(
    dot: GoValue,
    fn: GoFunc,
    isBuiltin: boolean,
    node: Node,
    name: string,
    args: readonly ArgNode[] | null,
    final: Final,
  ): GoValue {
    // Kept small (few locals): this frame repeats at every level of a recursive include.
    if (isBuiltin && (name === 'and' || name === 'or')) {
      this.checkArity(fn, name, args, final);
      return this.andOr(dot, name, args, final);
    }
    const argv = this.evalArgs(dot, fn, name, args, final);
    try {
      const result = fn.fn(argv, this);
      return result === undefined ? null : result;
    } catch (err) {
      return this.callFailed(err, node, name);
    }
  }

  /** Go's argument count check; returns the number of fixed parameters to fill. */
  checkArity(fn: GoFunc, name: string, args: readonly ArgNode[] | null, final: Final): number {
    if (++this.steps > this.limits.maxSteps) this.step();
    const nArgs = args === null ? 0 : args.length - 1;
    const numIn = final !== MISSING ? nArgs + 1 : nArgs;
    const nParams = fn.params.length;
    if (fn.variadic !== undefined) {
      if (numIn < nParams) {
        this.errorf(`wrong number of args for ${name}: want at least ${nParams} got ${nArgs}`);
      }
      return nParams;
    }
    if (numIn !== nParams) {
      this.errorf(`wrong number of args for ${name}: want ${nParams} got ${numIn}`);
    }
    return nArgs;
  }

  andOr(dot: GoValue, name: string, args: readonly ArgNode[] | null, final: Final): GoValue {
    const isOr = name === 'or';
    const nArgs = args === null ? 0 : args.length - 1;
    let v: GoValue = undefined;
    for (let i = 0; i < nArgs; i++) {
      v = this.evalArg(dot, RV, args![i + 1]!);
      if (truth(v) === isOr) return v;
    }
    if (final !== MISSING) v = final;
    return v;
  }

  evalArgs(
    dot: GoValue,
    fn: GoFunc,
    name: string,
    args: readonly ArgNode[] | null,
    final: Final,
  ): GoValue[] {
    const numFixed = this.checkArity(fn, name, args, final);
    const params = fn.params;
    const variadic = fn.variadic;
    const nArgs = args === null ? 0 : args.length - 1;
    const numIn = final !== MISSING ? nArgs + 1 : nArgs;
    const argv: GoValue[] = new Array<GoValue>(numIn);
    let i = 0;
    for (; i < numFixed && i < nArgs; i++) argv[i] = this.evalArg(dot, params[i]!, args![i + 1]!);
    if (variadic !== undefined) {
      for (; i < nArgs; i++) argv[i] = this.evalArg(dot, variadic, args![i + 1]!);
    }
    if (final !== MISSING) {
      let t: string;
      if (variadic !== undefined) t = numIn - 1 < numFixed ? params[numIn - 1]! : variadic;
      else t = params[params.length - 1]!;
      argv[i] = this.validateType(final, t);
    }
    return argv;
  }

  /** A function threw: Go's `error calling <name>: <err>`; limit errors pass through. */
  callFailed(err: unknown, node: Node, name: string): never {
    if (err instanceof TemplateLimitError) throw err;
    if (isStackOverflow(err)) {
      this.limitError('depth', 'exceeded maximum template depth (stack exhausted)');
    }
    this.node = node;
    let msg: string;
    if (err instanceof TemplateError) msg = err.message;
    else if (err instanceof Error) msg = err.message;
    else msg = String(err);
    this.errorf(`error calling ${name}: ${msg}`);
  }

  validateType(value: GoValue, typ: string): GoValue {
    if (typ === RV) return value;
    if (value === undefined) {
      if (canBeNil(typ)) return null;
      this.errorf(`invalid value; expected ${typ}`);
    }
    if (typ === IFACE) return value;
    if (value === null) this.errorf(`wrong type for value; expected ${typ}; got interface {}`);
    const vt = goTypeName(value);
    if (vt !== typ) {
      if (value instanceof GoStruct && typ === value.goType.replace(/^\*/, '')) return value;
      this.errorf(`wrong type for value; expected ${typ}; got ${vt}`);
    }
    return value;
  }

  /** Evaluates a chain's base like Go's evalArg with a nil type. */
  evalArgUntyped(dot: GoValue, n: ArgNode): GoValue {
    this.node = n;
    switch (n.kind) {
      case N.dot:
        this.lastIface = this.dotIface;
        return dot;
      case N.field:
        return this.evalFieldNode(dot, n, [n], MISSING);
      case N.variable:
        return this.evalVariableNode(dot, n, null, MISSING);
      case N.pipe:
        this.lastIface = false;
        return this.evalPipeline(dot, n);
      case N.identifier:
        return this.evalFunction(dot, n, n, null, MISSING);
      case N.chain:
        return this.evalChainNode(dot, n, null, MISSING);
      default:
        return this.evalEmptyInterface(dot, n);
    }
  }

  evalArg(dot: GoValue, typ: string, n: ArgNode): GoValue {
    this.node = n;
    switch (n.kind) {
      case N.dot:
        return this.validateType(dot, typ);
      case N.nil:
        if (typ === RV) return undefined;
        if (canBeNil(typ)) return null;
        return this.errorf(`cannot assign nil to ${typ}`);
      case N.field:
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case N.variable:
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ);
      case N.pipe:
        return this.validateType(this.evalPipeline(dot, n), typ);
      case N.identifier:
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case N.chain:
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ);
      default:
        break;
    }
    switch (typ) {
      case 'bool':
        if (n.kind === N.bool) return n.value;
        return this.errorf(`expected bool; found ${nodeString(n)}`);
      case 'float64':
      case 'float32':
        if (n.kind === N.number && n.isFloat) return n.float64;
        return this.errorf(`expected float; found ${nodeString(n)}`);
      case 'string':
        if (n.kind === N.string) return n.text;
        return this.errorf(`expected string; found ${nodeString(n)}`);
      case IFACE:
      case RV:
        return this.evalEmptyInterface(dot, n);
      default:
        break;
    }
    if (isIntKind(typ)) {
      if (typ.startsWith('u')) {
        if (n.kind === N.number && n.isUint) return goInt(n.uint64, typ);
        return this.errorf(`expected unsigned integer; found ${nodeString(n)}`);
      }
      if (n.kind === N.number && n.isInt) return goInt(n.int64, typ);
      return this.errorf(`expected integer; found ${nodeString(n)}`);
    }
    return this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`);
  }

  evalEmptyInterface(dot: GoValue, n: ArgNode): GoValue {
    this.node = n;
    switch (n.kind) {
      case N.bool:
        return n.value;
      case N.dot:
        return dot;
      case N.field:
        return this.evalFieldNode(dot, n, null, MISSING);
      case N.identifier:
        return this.evalFunction(dot, n, n, null, MISSING);
      case N.nil:
        return this.errorf("evalEmptyInterface: nil (can't happen)");
      case N.number:
        return this.idealConstant(n);
      case N.string:
        return n.text;
      case N.variable:
        return this.evalVariableNode(dot, n, null, MISSING);
      case N.pipe:
        return this.evalPipeline(dot, n);
      case N.chain:
        return this.evalChainNode(dot, n, null, MISSING);
    }
  }
}

/** Converts a JS stack overflow anywhere in an execution into a depth limit error. */
export function wrapOverflow(err: unknown, name: string): unknown {
  if (isStackOverflow(err)) {
    return new TemplateLimitError(
      `template: ${name}: exceeded maximum template depth (stack exhausted)`,
      name,
      'depth',
    );
  }
  return err;
}
