/**
 * The parser: tokens → trees, Go's text/template/parse rule by rule (same error texts). One source
 * text yields its own tree plus one per `define`/`block`, all added to a shared tree set with Go's
 * redefinition rules.
 */
import { TemplateParseError } from './errors.js';
import { quote } from './fmt.js';
import { lex, T, type Token, type TokenType } from './lexer.js';
import {
  N,
  nodeString,
  type ActionNode,
  type ArgNode,
  type BranchNode,
  type CommandNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type TreeSource,
  type VariableNode,
} from './nodes.js';
import { GoComplex, bytesToString, goInt, type GoValue } from './value.js';

/** A parsed template: a name and its root list. */
export interface Tree {
  readonly name: string;
  readonly src: TreeSource;
  readonly root: ListNode;
}

export type TreeSet = Map<string, Tree>;

function tokenString(t: Token): string {
  if (t.type === T.eof) return 'EOF';
  if (t.type === T.error) return t.val;
  if (t.type > T.keyword) return `<${t.val}>`;
  const runes = Array.from(t.val);
  if (runes.length > 10) return quote(runes.slice(0, 10).join('')) + '...';
  return quote(t.val);
}

const goSpaceRe = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** Go's IsEmptyTree: only whitespace text and comments. */
export function isEmptyTree(n: Node | null): boolean {
  if (n === null) return true;
  switch (n.kind) {
    case N.comment:
      return true;
    case N.list:
      return n.nodes.every(isEmptyTree);
    case N.text:
      return goSpaceRe.test(n.text);
    default:
      return false;
  }
}

class Parser {
  name: string;
  private idx = 0;
  private maxRead = 0;
  private vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;

  constructor(
    readonly tokens: Token[],
    readonly src: TreeSource,
    readonly hasFunc: (name: string) => boolean,
    readonly treeSet: TreeSet,
    name: string,
  ) {
    this.name = name;
  }

  // --- token stream (the whole token list is in memory; backup is an index move)

  next(): Token {
    const last = this.tokens.length - 1;
    const i = this.idx < last ? this.idx : last;
    if (i > this.maxRead) this.maxRead = i;
    this.idx++;
    return this.tokens[i]!;
  }

  backup(): void {
    this.idx--;
  }

  peek(): Token {
    const t = this.next();
    this.backup();
    return t;
  }

  nextNonSpace(): Token {
    let t: Token;
    do t = this.next();
    while (t.type === T.space);
    return t;
  }

  peekNonSpace(): Token {
    // Go leaves the spaces consumed and pushes back only the token itself.
    const t = this.nextNonSpace();
    this.idx--;
    return t;
  }

  // --- errors

  errorf(msg: string): never {
    const line = this.tokens[Math.min(this.maxRead, this.tokens.length - 1)]!.line;
    throw new TemplateParseError(
      `template: ${this.src.parseName}:${line}: ${msg}`,
      this.src.parseName,
      line,
    );
  }

  unexpected(token: Token, context: string): never {
    if (token.type === T.error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.src.parseName}:${this.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(tokenString(token) + extra);
    }
    this.errorf(`unexpected ${tokenString(token)} in ${context}`);
  }

  expect(expected: TokenType, context: string): Token {
    const token = this.nextNonSpace();
    if (token.type !== expected) this.unexpected(token, context);
    return token;
  }

  expectOneOf(e1: TokenType, e2: TokenType, context: string): Token {
    const token = this.nextNonSpace();
    if (token.type !== e1 && token.type !== e2) this.unexpected(token, context);
    return token;
  }

  // --- trees

  add(root: ListNode): void {
    const tree = this.treeSet.get(this.name);
    if (tree === undefined || isEmptyTree(tree.root)) {
      this.treeSet.set(this.name, { name: this.name, src: this.src, root });
      return;
    }
    if (!isEmptyTree(root)) {
      this.errorf(`template: multiple definition of template ${quote(this.name)}`);
    }
  }

  newList(pos: number): ListNode {
    return { kind: N.list, pos, src: this.src, nodes: [] };
  }

  parse(): ListNode {
    const root = this.newList(this.peek().pos);
    while (this.peek().type !== T.eof) {
      if (this.peek().type === T.leftDelim) {
        const mark = this.idx;
        this.next();
        if (this.nextNonSpace().type === T.define) {
          const sub = new Parser(this.tokens, this.src, this.hasFunc, this.treeSet, 'definition');
          sub.idx = this.idx;
          sub.maxRead = this.maxRead;
          sub.parseDefinition();
          this.idx = sub.idx;
          this.maxRead = sub.maxRead;
          continue;
        }
        this.idx = mark;
      }
      const n = this.textOrAction();
      if (n.kind === N.end || n.kind === N.else) this.errorf(`unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    return root;
  }

  parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(T.string, T.rawString, context);
    this.name = this.unquote(name.val);
    this.expect(T.rightDelim, context);
    const [root, end] = this.itemList();
    if (end.kind !== N.end) this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add(root);
  }

  itemList(): [ListNode, Node] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().type !== T.eof) {
      const n = this.textOrAction();
      if (n.kind === N.end || n.kind === N.else) return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case T.text:
        return { kind: N.text, pos: token.pos, src: this.src, text: token.val };
      case T.leftDelim: {
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
      case T.comment:
        return { kind: N.comment, pos: token.pos, src: this.src, text: token.val };
      default:
        this.unexpected(token, 'input');
    }
  }

  action(): Node {
    const token = this.nextNonSpace();
    switch (token.type) {
      case T.block:
        return this.blockControl();
      case T.break:
        return this.breakControl(token.pos, token.line, 'break');
      case T.continue:
        return this.breakControl(token.pos, token.line, 'continue');
      case T.else:
        return this.elseControl();
      case T.end:
        return this.endControl();
      case T.if:
        return this.ifControl();
      case T.range:
        return this.branch(N.range, false, 'range');
      case T.template:
        return this.templateControl();
      case T.with:
        return this.branch(N.with, true, 'with');
    }
    this.backup();
    const t = this.peek();
    const a: ActionNode = {
      kind: N.action,
      pos: t.pos,
      src: this.src,
      line: t.line,
      pipe: this.pipeline('command', T.rightDelim),
    };
    return a;
  }

  breakControl(pos: number, line: number, what: 'break' | 'continue'): Node {
    const token = this.nextNonSpace();
    if (token.type !== T.rightDelim) this.unexpected(token, `{{${what}}}`);
    if (this.rangeDepth === 0) this.errorf(`{{${what}}} outside {{range}}`);
    return what === 'break'
      ? { kind: N.break, pos, src: this.src, line }
      : { kind: N.continue, pos, src: this.src, line };
  }

  pipeline(context: string, end: TokenType): PipeNode {
    const token = this.peekNonSpace();
    const pipe: PipeNode = {
      kind: N.pipe,
      pos: token.pos,
      src: this.src,
      line: token.line,
      isAssign: false,
      decl: [],
      cmds: [],
    };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.type === T.variable) {
        const mark = this.idx;
        this.next();
        const tokenAfterVariable = this.peek();
        const next = this.peekNonSpace();
        if (next.type === T.assign || next.type === T.declare) {
          pipe.isAssign = next.type === T.assign;
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
        } else if (next.type === T.char && next.val === ',') {
          this.nextNonSpace();
          pipe.decl.push(this.newVariable(v.pos, v.val));
          this.vars.push(v.val);
          if (context === 'range' && pipe.decl.length < 2) {
            const p = this.peekNonSpace().type;
            if (p === T.variable || p === T.rightDelim || p === T.rightParen) continue decls;
            this.errorf('range can only initialize variables');
          }
          this.errorf(`too many declarations in ${context}`);
        } else if (tokenAfterVariable.type === T.space) {
          this.idx = mark;
        } else {
          this.idx = mark;
        }
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      switch (token.type) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case T.bool:
        case T.charConstant:
        case T.complex:
        case T.dot:
        case T.field:
        case T.identifier:
        case T.number:
        case T.nil:
        case T.rawString:
        case T.string:
        case T.variable:
        case T.leftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      const k = pipe.cmds[i]!.args[0]!.kind;
      if (k === N.bool || k === N.dot || k === N.nil || k === N.number || k === N.string) {
        this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  parseControl(
    allowElseIf: boolean,
    allowElseWith: boolean,
    context: string,
  ): [PipeNode, ListNode, ListNode | null] {
    const mark = this.vars.length;
    try {
      const pipe = this.pipeline(context, T.rightDelim);
      if (context === 'range') this.rangeDepth++;
      const [list, firstEnd] = this.itemList();
      let next = firstEnd;
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.kind === N.else) {
        const nextTok = this.peek().type;
        if (allowElseIf && nextTok === T.if) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.ifControl());
        } else if (allowElseWith && nextTok === T.with) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.branch(N.with, true, 'with'));
        } else {
          [elseList, next] = this.itemList();
          if (next.kind !== N.end) this.errorf(`expected end; found ${nodeString(next)}`);
        }
      }
      return [pipe, list, elseList];
    } finally {
      this.vars.length = mark;
    }
  }

  ifControl(): BranchNode {
    return this.branch(N.if, false, 'if');
  }

  branch(kind: BranchNode['kind'], allowElseWith: boolean, context: string): BranchNode {
    const [pipe, list, elseList] = this.parseControl(kind === N.if, allowElseWith, context);
    return { kind, pos: pipe.pos, src: this.src, line: pipe.line, pipe, list, elseList };
  }

  endControl(): Node {
    return { kind: N.end, pos: this.expect(T.rightDelim, 'end').pos, src: this.src };
  }

  elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.type === T.if || peek.type === T.with) {
      return { kind: N.else, pos: peek.pos, src: this.src, line: peek.line };
    }
    const token = this.expect(T.rightDelim, 'else');
    return { kind: N.else, pos: token.pos, src: this.src, line: token.line };
  }

  blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, T.rightDelim);
    const block = new Parser(this.tokens, this.src, this.hasFunc, this.treeSet, name);
    block.idx = this.idx;
    block.maxRead = this.maxRead;
    const [root, end] = block.itemList();
    this.idx = block.idx;
    this.maxRead = block.maxRead;
    if (end.kind !== N.end) this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add(root);
    const t: TemplateNode = {
      kind: N.template,
      pos: token.pos,
      src: this.src,
      line: token.line,
      name,
      pipe,
    };
    return t;
  }

  templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().type !== T.rightDelim) {
      this.backup();
      pipe = this.pipeline(context, T.rightDelim);
    }
    return { kind: N.template, pos: token.pos, src: this.src, line: token.line, name, pipe };
  }

  parseTemplateName(token: Token, context: string): string {
    if (token.type === T.string || token.type === T.rawString) return this.unquote(token.val);
    this.unexpected(token, context);
  }

  command(): CommandNode {
    const cmd: CommandNode = {
      kind: N.command,
      pos: this.peekNonSpace().pos,
      src: this.src,
      args: [],
    };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand !== null) cmd.args.push(operand);
      const token = this.next();
      if (token.type === T.space) continue;
      if (token.type === T.rightDelim || token.type === T.rightParen) this.backup();
      else if (token.type !== T.pipe) this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  operand(): ArgNode | null {
    let node = this.term();
    if (node === null) return null;
    if (this.peek().type === T.field) {
      const pos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().type === T.field) fields.push(this.next().val.slice(1));
      switch (node.kind) {
        case N.field:
          node = { kind: N.field, pos, src: this.src, ident: [...node.ident, ...fields] };
          break;
        case N.variable:
          node = { kind: N.variable, pos, src: this.src, ident: [...node.ident, ...fields] };
          break;
        case N.bool:
        case N.string:
        case N.number:
        case N.nil:
        case N.dot:
          this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
        // falls through (errorf never returns)
        default:
          node = { kind: N.chain, pos, src: this.src, node, field: fields };
      }
    }
    return node;
  }

  term(): ArgNode | null {
    const token = this.nextNonSpace();
    switch (token.type) {
      case T.identifier:
        if (!this.hasFunc(token.val)) this.errorf(`function ${quote(token.val)} not defined`);
        return { kind: N.identifier, pos: token.pos, src: this.src, ident: token.val };
      case T.dot:
        return { kind: N.dot, pos: token.pos, src: this.src };
      case T.nil:
        return { kind: N.nil, pos: token.pos, src: this.src };
      case T.variable:
        return this.useVar(token.pos, token.val);
      case T.field:
        return {
          kind: N.field,
          pos: token.pos,
          src: this.src,
          ident: token.val.slice(1).split('.'),
        };
      case T.bool:
        return { kind: N.bool, pos: token.pos, src: this.src, value: token.val === 'true' };
      case T.charConstant:
      case T.complex:
      case T.number:
        return this.newNumber(token.pos, token.val, token.type);
      case T.leftParen:
        return this.pipeline('parenthesized pipeline', T.rightParen);
      case T.string:
      case T.rawString:
        return {
          kind: N.string,
          pos: token.pos,
          src: this.src,
          quoted: token.val,
          text: this.unquote(token.val),
        };
    }
    this.backup();
    return null;
  }

  newVariable(pos: number, ident: string): VariableNode {
    return { kind: N.variable, pos, src: this.src, ident: ident.split('.') };
  }

  useVar(pos: number, name: string): VariableNode {
    const v = this.newVariable(pos, name);
    if (!this.vars.includes(v.ident[0]!)) this.errorf(`undefined variable ${quote(v.ident[0]!)}`);
    return v;
  }

  unquote(s: string): string {
    const r = unquote(s);
    if (r === null) this.errorf('invalid syntax');
    return r;
  }

  newNumber(pos: number, text: string, type: TokenType): NumberNode {
    const r = parseNumber(text, type);
    if (typeof r === 'string') this.errorf(r);
    return { kind: N.number, pos, src: this.src, text, ...r };
  }
}

// ---------------------------------------------------------------------------------------------
// Literals

type NumberInfo = Omit<NumberNode, 'kind' | 'pos' | 'src' | 'text'>;

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);
const MAX_UINT64 = 2n ** 64n - 1n;

/** Go's underscoreOK for a number literal with base prefix rules. */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1]!)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseInt/ParseUint(s, 0, 64) without the range check; null on syntax error. */
function parseIntBase0(text: string): bigint | null {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s.length === 0) return null;
  let base = 10;
  let digits = s;
  if (s[0] === '0' && s.length > 1) {
    const p = s[1]!.toLowerCase();
    if (p === 'x') {
      base = 16;
      digits = s.slice(2);
    } else if (p === 'o') {
      base = 8;
      digits = s.slice(2);
    } else if (p === 'b') {
      base = 2;
      digits = s.slice(2);
    } else {
      base = 8;
      digits = s.slice(1);
    }
  }
  if (digits.includes('_')) {
    if (!underscoreOK(text)) return null;
    digits = digits.replace(/_/g, '');
  }
  if (digits.length === 0) return null;
  const valid =
    base === 16 ? /^[0-9a-fA-F]+$/ : base === 10 ? /^[0-9]+$/ : base === 8 ? /^[0-7]+$/ : /^[01]+$/;
  if (!valid.test(digits)) return null;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  const v = BigInt(prefix + digits);
  return neg ? -v : v;
}

/** strconv.ParseFloat(s, 64) for the forms the lexer produces; null on a syntax error. */
export function parseGoFloat(text: string): number | null {
  let s = text;
  if (s.includes('_')) {
    if (!underscoreOK(s)) return null;
    s = s.replace(/_/g, '');
  }
  let sign = 1;
  let body = s;
  if (body[0] === '+' || body[0] === '-') {
    sign = body[0] === '-' ? -1 : 1;
    body = body.slice(1);
  }
  const lower = body.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return sign * Infinity;
  if (lower === 'nan') return NaN;
  if (/^0x/i.test(body)) {
    const m = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?p([+-]?[0-9]+)$/i.exec(body);
    if (m === null) return null;
    const intPart = m[1] ?? '';
    const frac = m[2] ?? '';
    if (intPart.length + frac.length === 0) return null;
    let mant = 0;
    for (const c of intPart + frac) mant = mant * 16 + parseInt(c, 16);
    return sign * mant * 2 ** (Number(m[3]) - 4 * frac.length);
  }
  if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(body)) return null;
  return sign * Number(body);
}

/** Go's strconv.UnquoteChar-based char constant value, or an error message. */
function parseCharConstant(text: string): number | string {
  const inner = text.slice(1);
  const r = unquoteChar(inner, 0, 39);
  if (r === null) return 'invalid syntax';
  const [cp, next] = r;
  if (inner.slice(next) !== "'") return `malformed character constant: ${text}`;
  return cp;
}

function parseNumber(text: string, type: TokenType): NumberInfo | string {
  const info = {
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
  };
  if (type === T.charConstant) {
    const cp = parseCharConstant(text);
    if (typeof cp === 'string') return cp;
    info.isInt = info.isUint = info.isFloat = true;
    info.int64 = info.uint64 = BigInt(cp);
    info.float64 = cp;
    return finishNumber(text, info);
  }
  if (type === T.complex || text.endsWith('i')) {
    const c = parseComplex(text, type === T.complex);
    if (c !== null) {
      const [re, im] = c;
      info.isComplex = true;
      if (im === 0) {
        info.isFloat = true;
        info.float64 = re;
        if (Number.isInteger(re) && re >= -(2 ** 63) && re < 2 ** 63) {
          info.isInt = true;
          info.int64 = BigInt(re);
        }
        if (Number.isInteger(re) && re >= 0 && re < 2 ** 64) {
          info.isUint = true;
          info.uint64 = BigInt(re);
        }
      }
      return finishNumber(text, info, c);
    }
    if (type === T.complex) return `illegal number syntax: ${quote(text)}`;
  }
  const big = parseIntBase0(text);
  if (big !== null) {
    if (big >= 0n && big <= MAX_UINT64) {
      info.isUint = true;
      info.uint64 = big;
    }
    if (big >= MIN_INT64 && big <= MAX_INT64) {
      info.isInt = true;
      info.int64 = big;
      if (big === 0n) info.isUint = true;
    }
  }
  if (info.isInt) {
    info.isFloat = true;
    info.float64 = Number(info.int64);
  } else if (info.isUint) {
    info.isFloat = true;
    info.float64 = Number(info.uint64);
  } else {
    const f = parseGoFloat(text);
    if (f !== null && Number.isFinite(f)) {
      if (!/[.eEpP]/.test(text)) return `integer overflow: ${quote(text)}`;
      info.isFloat = true;
      info.float64 = f;
      if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
        info.isInt = true;
        info.int64 = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        info.isUint = true;
        info.uint64 = BigInt(f);
      }
    }
  }
  if (!info.isInt && !info.isUint && !info.isFloat) return `illegal number syntax: ${quote(text)}`;
  return finishNumber(text, info);
}

/** A complex literal: `2i` (imaginary) or, for a complex token, `1+2i`. */
function parseComplex(text: string, full: boolean): [number, number] | null {
  if (!full) {
    const im = parseGoFloat(text.slice(0, -1));
    return im === null ? null : [0, im];
  }
  for (let i = text.length - 2; i > 0; i--) {
    const c = text[i];
    if ((c === '+' || c === '-') && text[i - 1] !== 'e' && text[i - 1] !== 'E') {
      const re = parseGoFloat(text.slice(0, i));
      const im = parseGoFloat(text.slice(i, -1));
      return re === null || im === null ? null : [re, im];
    }
  }
  return null;
}

function finishNumber(
  text: string,
  info: Omit<NumberInfo, 'ideal' | 'idealError'>,
  complex?: [number, number],
): NumberInfo {
  let ideal: GoValue = undefined;
  let idealError: string | undefined;
  const isHexInt =
    text.length > 2 &&
    text[0] === '0' &&
    (text[1] === 'x' || text[1] === 'X') &&
    !/[pP]/.test(text);
  const isRuneInt = text[0] === "'";
  if (complex !== undefined) ideal = new GoComplex(complex[0], complex[1]);
  else if (info.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(text)) ideal = info.float64;
  else if (info.isInt) ideal = goInt(info.int64);
  else if (info.isUint) idealError = `${text} overflows int`;
  return { ...info, ideal, idealError };
}

/** strconv.UnquoteChar at s[i]: [code point, next index] or null. */
function unquoteChar(s: string, i: number, quoteChar: number): [number, number] | null {
  if (i >= s.length) return null;
  const c = s.codePointAt(i)!;
  if (c === quoteChar && (quoteChar === 39 || quoteChar === 34)) return null;
  if (c !== 92) return [c, i + (c > 0xffff ? 2 : 1)];
  if (i + 1 >= s.length) return null;
  const e = s[i + 1]!;
  i += 2;
  switch (e) {
    case 'a':
      return [7, i];
    case 'b':
      return [8, i];
    case 'f':
      return [12, i];
    case 'n':
      return [10, i];
    case 'r':
      return [13, i];
    case 't':
      return [9, i];
    case 'v':
      return [11, i];
    case '\\':
      return [92, i];
    case "'":
    case '"':
      if (e.charCodeAt(0) !== quoteChar) return null;
      return [quoteChar, i];
    case 'x':
    case 'u':
    case 'U': {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const h = s.slice(i, i + n);
      if (h.length < n || !/^[0-9a-fA-F]+$/.test(h)) return null;
      const v = parseInt(h, 16);
      if (e !== 'x' && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) return null;
      // \x is a byte; as a string element it stands for that byte (Latin-1 when not UTF-8).
      return [v, i + n];
    }
    default:
      if (e >= '0' && e <= '7') {
        const o = s.slice(i - 1, i + 2);
        if (!/^[0-7]{3}$/.test(o)) return null;
        const v = parseInt(o, 8);
        if (v > 255) return null;
        return [v, i + 2];
      }
      return null;
  }
}

/** strconv.Unquote for "..." and `...` literals; null on a syntax error. */
export function unquote(s: string): string | null {
  if (s.length < 2) return null;
  const q = s[0];
  if (q !== s[s.length - 1]) return null;
  const body = s.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) return null;
    return body.includes('\r') ? body.replace(/\r/g, '') : body;
  }
  if (q !== '"') return null;
  if (!body.includes('\\') && !body.includes('"') && !body.includes('\n')) return body;
  let out = '';
  let bytes: number[] | null = null;
  const flush = (): void => {
    if (bytes !== null) {
      out += decodeBytes(bytes);
      bytes = null;
    }
  };
  let i = 0;
  while (i < body.length) {
    const c = body.charCodeAt(i);
    if (c === 34 || c === 10) return null;
    const r = unquoteChar(body, i, 34);
    if (r === null) return null;
    const isByte =
      c === 92 && (body[i + 1] === 'x' || (body[i + 1]! >= '0' && body[i + 1]! <= '7'));
    if (isByte) {
      (bytes ??= []).push(r[0]);
    } else {
      flush();
      out += String.fromCodePoint(r[0]);
    }
    i = r[1];
  }
  flush();
  return out;
}

function decodeBytes(bytes: number[]): string {
  // Escaped bytes form UTF-8 sequences ("\xc3\xa9" is "é") or stay invalid bytes.
  return bytesToString(Uint8Array.from(bytes));
}

/**
 * Parses one source text named `name` into `treeSet` (its own tree and every define/block).
 * Throws TemplateParseError with Go's message.
 */
export function parseInto(
  treeSet: TreeSet,
  name: string,
  text: string,
  hasFunc: (name: string) => boolean,
  leftDelim = '{{',
  rightDelim = '}}',
): void {
  const tokens = lex(text, leftDelim, rightDelim, !hasFunc('break'), !hasFunc('continue'));
  const src: TreeSource = { parseName: name, text };
  // Each text parses into its own tree set (Go's parse.Parse); trees are committed only when
  // the whole text parses, and an empty tree never replaces an existing one (Go's associate).
  const local: TreeSet = new Map();
  const p = new Parser(tokens, src, hasFunc, local, name);
  try {
    const root = p.parse();
    p.add(root);
  } catch (err) {
    if (err instanceof RangeError) {
      throw new TemplateParseError(`template: ${name}: nesting too deep`, name, 1);
    }
    throw err;
  }
  for (const [k, v] of local) {
    if (treeSet.has(k) && isEmptyTree(v.root)) continue;
    treeSet.set(k, v);
  }
}
