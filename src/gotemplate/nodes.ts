/**
 * The parse tree, Go's text/template/parse nodes with a numeric `kind` the executor switches on.
 * Constants are evaluated once at parse time (a number node carries its Go value).
 */
import type { GoValue } from './value.js';

export const N = {
  text: 0,
  action: 1,
  bool: 2,
  chain: 3,
  command: 4,
  dot: 5,
  else: 6,
  end: 7,
  field: 8,
  identifier: 9,
  if: 10,
  list: 11,
  nil: 12,
  number: 13,
  pipe: 14,
  range: 15,
  string: 16,
  template: 17,
  variable: 18,
  with: 19,
  comment: 20,
  break: 21,
  continue: 22,
} as const;

/** The source a node came from, for error locations. */
export interface TreeSource {
  /** Name of the top-level template being parsed (Go's ParseName). */
  readonly parseName: string;
  readonly text: string;
}

interface Base {
  readonly pos: number;
  readonly src: TreeSource;
}

export interface TextNode extends Base {
  readonly kind: typeof N.text;
  readonly text: string;
}
export interface CommentNode extends Base {
  readonly kind: typeof N.comment;
  readonly text: string;
}
export interface ListNode extends Base {
  readonly kind: typeof N.list;
  readonly nodes: Node[];
}
export interface ActionNode extends Base {
  readonly kind: typeof N.action;
  readonly line: number;
  readonly pipe: PipeNode;
}
export interface PipeNode extends Base {
  readonly kind: typeof N.pipe;
  readonly line: number;
  isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}
export interface CommandNode extends Base {
  readonly kind: typeof N.command;
  readonly args: ArgNode[];
}
export interface IdentifierNode extends Base {
  readonly kind: typeof N.identifier;
  readonly ident: string;
}
export interface VariableNode extends Base {
  readonly kind: typeof N.variable;
  /** Variable name and the fields after it: `$x.a.b` → ['$x', 'a', 'b']. */
  readonly ident: string[];
}
export interface DotNode extends Base {
  readonly kind: typeof N.dot;
}
export interface NilNode extends Base {
  readonly kind: typeof N.nil;
}
export interface FieldNode extends Base {
  readonly kind: typeof N.field;
  readonly ident: string[];
}
export interface ChainNode extends Base {
  readonly kind: typeof N.chain;
  readonly node: ArgNode;
  readonly field: string[];
}
export interface BoolNode extends Base {
  readonly kind: typeof N.bool;
  readonly value: boolean;
}
export interface NumberNode extends Base {
  readonly kind: typeof N.number;
  readonly text: string;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly isComplex: boolean;
  readonly int64: bigint;
  readonly uint64: bigint;
  readonly float64: number;
  /** Go's idealConstant: the value of the number as an `interface{}` argument, or the
   *  exec-time error message (`... overflows int`). */
  readonly ideal: GoValue;
  readonly idealError: string | undefined;
}
export interface StringNode extends Base {
  readonly kind: typeof N.string;
  readonly quoted: string;
  readonly text: string;
}
export interface BranchNode extends Base {
  readonly kind: typeof N.if | typeof N.range | typeof N.with;
  readonly line: number;
  readonly pipe: PipeNode;
  readonly list: ListNode;
  readonly elseList: ListNode | null;
}
export interface TemplateNode extends Base {
  readonly kind: typeof N.template;
  readonly line: number;
  readonly name: string;
  readonly pipe: PipeNode | null;
}
export interface BreakNode extends Base {
  readonly kind: typeof N.break;
  readonly line: number;
}
export interface ContinueNode extends Base {
  readonly kind: typeof N.continue;
  readonly line: number;
}
export interface ElseNode extends Base {
  readonly kind: typeof N.else;
  readonly line: number;
}
export interface EndNode extends Base {
  readonly kind: typeof N.end;
}

/** Nodes that can be command arguments. */
export type ArgNode =
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

export type Node =
  | TextNode
  | CommentNode
  | ListNode
  | ActionNode
  | PipeNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | BranchNode
  | TemplateNode
  | BreakNode
  | ContinueNode
  | ElseNode
  | EndNode;

/** Go's Node.String(): the source-like text used in error messages. */
export function nodeString(n: Node): string {
  switch (n.kind) {
    case N.text:
      return n.text;
    case N.comment:
      return '{{' + n.text + '}}';
    case N.list:
      return n.nodes.map(nodeString).join('');
    case N.action:
      return '{{' + nodeString(n.pipe) + '}}';
    case N.pipe: {
      let s = '';
      if (n.decl.length > 0) s = n.decl.map(nodeString).join(', ') + ' := ';
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case N.command:
      return n.args
        .map((a) => (a.kind === N.pipe ? '(' + nodeString(a) + ')' : nodeString(a)))
        .join(' ');
    case N.identifier:
      return n.ident;
    case N.variable:
      return n.ident.join('.');
    case N.dot:
      return '.';
    case N.nil:
      return 'nil';
    case N.field:
      return n.ident.map((i) => '.' + i).join('');
    case N.chain: {
      const base = n.node.kind === N.pipe ? '(' + nodeString(n.node) + ')' : nodeString(n.node);
      return base + n.field.map((f) => '.' + f).join('');
    }
    case N.bool:
      return n.value ? 'true' : 'false';
    case N.number:
      return n.text;
    case N.string:
      return n.quoted;
    case N.if:
    case N.range:
    case N.with: {
      const name = n.kind === N.if ? 'if' : n.kind === N.range ? 'range' : 'with';
      let s = `{{${name} ${nodeString(n.pipe)}}}${nodeString(n.list)}`;
      if (n.elseList !== null) s += `{{else}}${nodeString(n.elseList)}`;
      return s + '{{end}}';
    }
    case N.template:
      return n.pipe === null
        ? `{{template ${JSON.stringify(n.name)}}}`
        : `{{template ${JSON.stringify(n.name)} ${nodeString(n.pipe)}}}`;
    case N.break:
      return '{{break}}';
    case N.continue:
      return '{{continue}}';
    case N.else:
      return '{{else}}';
    case N.end:
      return '{{end}}';
  }
}
