/**
 * `toYAML`: sigs.k8s.io/yaml's Marshal = json.Marshal, re-read by yaml.v2 (YAML 1.1 typing), then
 * yaml.v2's encoder and emitter (a port of libyaml): natural key order, indentless sequences in
 * mappings, YAML 1.1 quoting, literal blocks for multi-line strings, folding at 80 columns.
 */
import { formatFloat } from './go-format.js';
import { parseGoFloat } from './convert.js';
import { isDigit, isLetter } from './unicode.js';
import { GoFuncValue, GoInt, GoStruct, type GoValue } from '../value.js';

/** A node of the document as yaml.v2 decodes the JSON text. */
type Node =
  | { k: 'null' }
  | { k: 'bool'; v: boolean }
  | { k: 'int'; v: string }
  | { k: 'float'; v: number }
  | { k: 'str'; v: string }
  | { k: 'seq'; v: Node[] }
  | { k: 'map'; v: [string, Node][] };

/**
 * A value as yaml.v2 sees it after json.Marshal and re-reading: integral floats below 1e21 print
 * as integers (JSON writes them without exponent) and come back as ints; other floats stay floats.
 */
// Characters Go's JSON writes raw but yaml.v2's reader rejects when sigs.k8s.io/yaml re-reads it.

const yamlForbidden = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

function checkYAMLText(s: string): string {
  if (yamlForbidden.test(s))
    throw new Error('error converting JSON to YAML: yaml: control characters are not allowed');
  // Go's JSON leaves NEL raw, and a raw line break in a double-quoted scalar folds when yaml.v2
  // reads it: blanks around it go, one break becomes a space, n breaks become n-1 newlines.
  if (s.includes('\u0085'))
    return s.replace(/[ \t]*(?:\u0085[ \t]*)+/g, (m) => {
      const n = m.split('\u0085').length - 1;
      return n === 1 ? ' ' : '\n'.repeat(n - 1);
    });
  return s;
}

function toNode(v: GoValue): Node {
  switch (typeof v) {
    case 'string':
      return { k: 'str', v: checkYAMLText(v) };
    case 'boolean':
      return { k: 'bool', v };
    case 'number':
      if (!Number.isFinite(v))
        throw new Error(
          `error marshaling into JSON: json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'}`,
        );
      return Number.isInteger(v) && Math.abs(v) < 1e21 ? numberNode(String(v)) : { k: 'float', v };
    case 'undefined':
      return { k: 'null' };
    default:
      break;
  }
  if (v === null) return { k: 'null' };
  if (v instanceof GoInt) return { k: 'int', v: v.value.toString() };
  if (Array.isArray(v)) return { k: 'seq', v: v.map(toNode) };
  if (v instanceof Uint8Array) return { k: 'str', v: Buffer.from(v).toString('base64') };
  if (v instanceof GoStruct) return { k: 'str', v: v.goString() };
  if (v instanceof GoFuncValue)
    throw new Error(`error marshaling into JSON: json: unsupported type: ${v.goType}`);
  return { k: 'map', v: Object.keys(v).map((key) => [checkYAMLText(key), toNode(v[key])]) };
}

function numberNode(t: string): Node {
  if (/^-?\d+$/.test(t)) {
    const b = BigInt(t);
    if (b >= -(2n ** 63n) && b < 2n ** 64n) return { k: 'int', v: b.toString() };
  }
  return { k: 'float', v: Number(t) };
}

// --- yaml.v2 resolve: would a plain scalar read back as something other than this string? ---

const resolveMap = new Set([
  '',
  '~',
  'null',
  'Null',
  'NULL',
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
  '.nan',
  '.NaN',
  '.NAN',
  '.inf',
  '.Inf',
  '.INF',
  '+.inf',
  '+.Inf',
  '+.INF',
  '-.inf',
  '-.Inf',
  '-.INF',
]);

const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const base60Float = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

function isTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt]|[ \t]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d*)?(Z|[+-]\d{1,2}(:\d{2})?)?)?$/.exec(
      s,
    );
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(Number(m[1]), month, 0)).getUTCDate();
  if (day > days) return false;
  if (m[4] !== undefined && (m[4] === ' ' || m[4] === 'T' || m[4] === 't')) {
    if (Number(m[5]) > 23 || Number(m[6]) > 59 || Number(m[7]) > 59) return false;
    return m[4] !== ' ' || m[9] === undefined;
  }
  return m[4] === undefined;
}

function goParseIntBase0(s: string): boolean {
  return /^[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|0[bB][01]+|[1-9][0-9]*)$/.test(s);
}

/** True when yaml.v2 would print the string plain (it resolves to a string, not base 60). */
function canUsePlain(s: string): boolean {
  if (resolveMap.has(s)) return false;
  const c = s[0]!;
  if (c === '.') return parseGoFloat(s) === undefined;
  if (/[0-9+-]/.test(c)) {
    if (isTimestamp(s)) return false;
    const plain = s.replaceAll('_', '');
    if (goParseIntBase0(plain)) return false;
    if (yamlStyleFloat.test(plain)) return false;
    if (/^-?0b[01]+$/.test(plain)) return false;
  }
  return !base60Float.test(s);
}

// --- natural key order (yaml.v2 keyList.Less) ---

function keyLess(ar: string[], br: string[]): boolean {
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++)
      an = an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48);
    for (; bi < br.length && isDigit(br[bi]!); bi++)
      bn = bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

// --- the emitter ---

type Style = 'plain' | 'single' | 'double' | 'literal';

const isBreakCh = (c: string): boolean =>
  c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlankz = (c: string | undefined): boolean =>
  c === undefined || c === ' ' || c === '\t' || isBreakCh(c) || c === '\0';

function isPrintableCh(c: string): boolean {
  const p = c.codePointAt(0)!;
  return (
    p === 0x0a ||
    (p >= 0x20 && p <= 0x7e) ||
    (p >= 0xa0 && p <= 0xd7ff) ||
    (p >= 0xe000 && p <= 0xfffd && p !== 0xfeff)
  );
}

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  single: boolean;
  block: boolean;
}

// Plain-safe at any position: no spaces, indicators, breaks or non-ASCII (the common case).
const simplePlain = /^[A-Za-z0-9_][A-Za-z0-9_./=+-]*$/;

function analyze(value: string): Analysis {
  if (simplePlain.test(value) && !value.startsWith('...'))
    return { multiline: false, blockPlain: true, single: true, block: true };
  const ch = [...value];
  if (ch.length === 0) return { multiline: false, blockPlain: true, single: true, block: false };
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let preceded = true;
  let followed = isBlankz(ch[1]);
  for (let i = 0; i < ch.length; i++) {
    const c = ch[i]!;
    const first = i === 0;
    const last = i === ch.length - 1;
    if (first) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if (c === '?' || c === ':') {
        flowIndicators = true;
        if (followed) blockIndicators = true;
      }
      if (c === '-' && followed) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',?[]{}'.includes(c)) flowIndicators = true;
      if (c === ':') {
        flowIndicators = true;
        if (followed) blockIndicators = true;
      }
      if (c === '#' && preceded) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    if (!isPrintableCh(c)) special = true;
    if (isBreakCh(c)) lineBreaks = true;
    if (c === ' ') {
      if (first) leadingSpace = true;
      if (last) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreakCh(c)) {
      if (first) leadingBreak = true;
      if (last) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    preceded = isBlankz(c);
    followed = isBlankz(ch[i + 2]);
  }
  let blockPlain = true;
  let single = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlain = false;
  if (trailingSpace) block = false;
  if (breakSpace) {
    blockPlain = false;
    single = false;
  }
  if (spaceBreak || special) {
    blockPlain = false;
    single = false;
    block = false;
  }
  if (lineBreaks) blockPlain = false;
  if (blockIndicators) blockPlain = false;
  void flowIndicators;
  return { multiline: lineBreaks, blockPlain, single, block };
}

/** libyaml's check_simple_key for a string key: one line, at most 128 bytes. */
function isSimpleKey(key: string): boolean {
  if (Buffer.byteLength(key) > 128) return false;
  for (const c of key) if (isBreakCh(c)) return false;
  return true;
}

class Emitter {
  out = '';
  column = 0;
  indent = -1;
  indents: number[] = [];
  whitespace = true;
  indention = true;
  openEnded = false;
  private readonly bestWidth = 80;

  put(s: string): void {
    this.out += s;
    if (s.length === 1) {
      this.column++;
      return;
    }
    for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) & 0xfc00) !== 0xdc00) this.column++;
  }
  putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }
  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }
  indicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(s);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }
  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? 2 : 0;
    else if (!indentless) this.indent += 2;
  }
  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  node(
    n: Node,
    ctx: { root: boolean; sequence: boolean; mapping: boolean; simpleKey: boolean },
  ): void {
    switch (n.k) {
      case 'null':
        return this.scalar('null', 'plain', ctx.simpleKey);
      case 'bool':
        return this.scalar(n.v ? 'true' : 'false', 'plain', ctx.simpleKey);
      case 'int':
        return this.scalar(n.v, 'plain', ctx.simpleKey);
      case 'float': {
        let s = formatFloat(n.v);
        if (s === '+Inf') s = '.inf';
        else if (s === '-Inf') s = '-.inf';
        else if (s === 'NaN') s = '.nan';
        return this.scalar(s, 'plain', ctx.simpleKey);
      }
      case 'str': {
        const style: Style = n.v.includes('\n') ? 'literal' : canUsePlain(n.v) ? 'plain' : 'double';
        return this.scalar(n.v, style, ctx.simpleKey);
      }
      case 'seq':
        if (n.v.length === 0) {
          this.increaseIndent(true, false);
          this.indicator('[', true, true, false);
          this.indicator(']', false, false, false);
          this.popIndent();
          return;
        }
        this.increaseIndent(false, ctx.mapping && !this.indention);
        for (const item of n.v) {
          this.writeIndent();
          this.indicator('-', true, false, true);
          this.node(item, { root: false, sequence: true, mapping: false, simpleKey: false });
        }
        this.popIndent();
        return;
      case 'map': {
        if (n.v.length === 0) {
          this.increaseIndent(true, false);
          this.indicator('{', true, true, false);
          this.indicator('}', false, false, false);
          this.popIndent();
          return;
        }
        const entries = n.v
          .map(([k, v]) => ({ k, v, runes: [...k] }))
          .sort((a, b) => (keyLess(a.runes, b.runes) ? -1 : keyLess(b.runes, a.runes) ? 1 : 0))
          .map((e) => [e.k, e.v] as const);
        this.increaseIndent(false, false);
        for (const [key, value] of entries) {
          this.writeIndent();
          if (isSimpleKey(key)) {
            this.node(
              { k: 'str', v: key },
              { root: false, sequence: false, mapping: true, simpleKey: true },
            );
            this.indicator(':', false, false, false);
          } else {
            // libyaml's complex key: `? key`, then `: value` on its own line.
            this.indicator('?', true, false, true);
            this.node(
              { k: 'str', v: key },
              { root: false, sequence: false, mapping: true, simpleKey: false },
            );
            this.writeIndent();
            this.indicator(':', true, false, true);
          }
          this.node(value, { root: false, sequence: false, mapping: true, simpleKey: false });
        }
        this.popIndent();
        return;
      }
    }
  }

  scalar(value: string, requested: Style, simpleKey: boolean): void {
    const a = analyze(value);
    let style = requested;
    if (simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlain) style = 'single';
      if (value.length === 0 && simpleKey) style = 'single';
    }
    if (style === 'single' && !a.single) style = 'double';
    if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    switch (style) {
      case 'plain':
        this.writePlain(value, allowBreaks);
        break;
      case 'single':
        this.writeSingle(value, allowBreaks);
        break;
      case 'double':
        this.writeDouble(value, allowBreaks);
        break;
      case 'literal':
        this.writeLiteral(value);
        break;
    }
    this.popIndent();
  }

  writePlain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    if (!value.includes(' ')) {
      // Only a space can become a line break.
      this.put(value);
      this.whitespace = false;
      this.indention = false;
      return;
    }
    const ch = [...value];
    let spaces = false;
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > this.bestWidth && ch[i + 1] !== ' ')
          this.writeIndent();
        else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  writeSingle(value: string, allowBreaks: boolean): void {
    this.indicator("'", true, false, false);
    const ch = [...value];
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i]!;
      if (c === ' ') {
        if (
          allowBreaks &&
          !spaces &&
          this.column > this.bestWidth &&
          i !== 0 &&
          i !== ch.length - 1 &&
          ch[i + 1] !== ' '
        )
          this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreakCh(c)) {
        if (!breaks && c === '\n') this.putBreak();
        if (c === '\n') this.putBreak();
        else {
          this.put(c);
          this.column = 0;
        }
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.indicator("'", false, false, false);
  }

  writeDouble(value: string, allowBreaks: boolean): void {
    this.indicator('"', true, false, false);
    const bom = value.startsWith('\ufeff');
    const ch = [...value];
    let spaces = false;
    for (let i = 0; i < ch.length; i++) {
      const c = ch[i]!;
      const p = c.codePointAt(0)!;
      // libyaml's is_bom() looks at the start of the value, not at i: after a leading BOM every
      // character is escaped.
      if (!isPrintableCh(c) || bom || isBreakCh(c) || c === '"' || c === '\\') {
        const named: Record<number, string> = {
          0: '0',
          7: 'a',
          8: 'b',
          9: 't',
          10: 'n',
          11: 'v',
          12: 'f',
          13: 'r',
          0x1b: 'e',
          0x22: '"',
          0x5c: '\\',
          0x85: 'N',
          0xa0: '_',
          0x2028: 'L',
          0x2029: 'P',
        };
        const hex = p.toString(16).toUpperCase();
        this.put(
          '\\' +
            (named[p] ??
              (p <= 0xff
                ? 'x' + hex.padStart(2, '0')
                : p <= 0xffff
                  ? 'u' + hex.padStart(4, '0')
                  : 'U' + hex.padStart(8, '0'))),
        );
        spaces = false;
      } else if (c === ' ') {
        if (
          allowBreaks &&
          !spaces &&
          this.column > this.bestWidth &&
          i !== 0 &&
          i !== ch.length - 1
        ) {
          this.writeIndent();
          if (ch[i + 1] === ' ') this.put('\\');
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.indicator('"', false, false, false);
  }

  writeLiteral(value: string): void {
    this.indicator('|', true, false, false);
    const ch = [...value];
    let hints = '';
    if (ch[0] === ' ' || isBreakCh(ch[0]!)) hints += '2';
    this.openEnded = false;
    const last = ch[ch.length - 1]!;
    if (!isBreakCh(last)) hints += '-';
    else if (ch.length === 1 || isBreakCh(ch[ch.length - 2]!)) {
      hints += '+';
      this.openEnded = true;
    }
    if (hints !== '') this.put(hints);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of ch) {
      if (isBreakCh(c)) {
        this.putBreak();
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) {
          this.writeIndent();
          breaks = false;
        }
        this.put(c);
        this.indention = false;
      }
    }
  }
}

/** sigs.k8s.io/yaml.Marshal(v) as text (with its final newline). Throws Go's error text. */
export function marshalYAML(v: GoValue): string {
  const node = toNode(v);
  const e = new Emitter();
  e.node(node, { root: true, sequence: false, mapping: false, simpleKey: false });
  // Document end: a final break unless the last scalar (a literal block) ended with one.
  e.indent = -1;
  e.writeIndent();
  return e.out;
}
