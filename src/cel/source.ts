/**
 * Source-level helpers: the leading-dot root-scope syntax (`.config.x`) that the engine's parser
 * lacks, and cel-go shaped error positions and snippets.
 */

const identStart = /[A-Za-z_]/;
const identPart = /[A-Za-z0-9_]/;
/** Characters after which a `.` starts a primary expression rather than a member selection. */
const operandStarters = new Set([
  '(',
  '[',
  '{',
  ',',
  ':',
  '?',
  '!',
  '-',
  '+',
  '*',
  '/',
  '%',
  '<',
  '>',
  '=',
  '&',
  '|',
]);

const maybeLeadingDot = /(?:^|[\s([{,:?!\-+*/%<>=&|])\.[A-Za-z_]/;

/**
 * Replaces each root-scope dot (`.config` at the start of an operand) with a space, keeping every
 * other character at its offset so error positions still point into the user's text. String
 * literals (raw, bytes, triple-quoted) and `//` comments are skipped.
 */
export function stripLeadingDots(expr: string): string {
  // Fast path: no dot that could start an operand (after an operator, bracket or space).
  if (!maybeLeadingDot.test(expr)) return expr;
  let out: string[] | undefined;
  // The last significant character outside literals and comments; '' at the start.
  let prev = '';
  let prevWord = '';
  let i = 0;
  const n = expr.length;
  while (i < n) {
    const c = expr[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && expr[i + 1] === '/') {
      while (i < n && expr[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'" || (isStringPrefix(expr, i) && startsLiteral(expr, i))) {
      i = skipString(expr, i);
      prev = '"';
      prevWord = '';
      continue;
    }
    if (c === '`') {
      const end = expr.indexOf('`', i + 1);
      i = end < 0 ? n : end + 1;
      prev = 'a';
      prevWord = '';
      continue;
    }
    if (identStart.test(c)) {
      const start = i;
      while (i < n && identPart.test(expr[i] as string)) i++;
      prevWord = expr.slice(start, i);
      prev = 'a';
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < n && /[0-9a-fA-FxXuU.eE]/.test(expr[i] as string)) {
        // A dot followed by a letter after an integer is a member selection on the literal.
        if (expr[i] === '.' && !/[0-9]/.test(expr[i + 1] ?? '')) break;
        i++;
      }
      prev = '0';
      prevWord = '';
      continue;
    }
    if (c === '.') {
      const startsOperand = prev === '' || operandStarters.has(prev) || prevWord === 'in';
      if (startsOperand && identStart.test(expr[i + 1] ?? '')) {
        out ??= expr.split('');
        out[i] = ' ';
      }
      prev = '.';
      prevWord = '';
      i++;
      continue;
    }
    prev = c;
    prevWord = '';
    i++;
  }
  return out ? out.join('') : expr;
}

function isStringPrefix(expr: string, i: number): boolean {
  return /[rRbB]/.test(expr[i] as string);
}

/** True when a r/b prefix at i really starts a string literal (not an identifier like `rb`). */
function startsLiteral(expr: string, i: number): boolean {
  if (i > 0 && identPart.test(expr[i - 1] as string)) return false;
  let j = i;
  while (j < i + 2 && /[rRbB]/.test(expr[j] as string)) j++;
  return expr[j] === '"' || expr[j] === "'";
}

function skipString(expr: string, i: number): number {
  let raw = false;
  while (/[rRbB]/.test(expr[i] as string)) {
    if (expr[i] === 'r' || expr[i] === 'R') raw = true;
    i++;
  }
  const q = expr[i] as string;
  const triple = expr.startsWith(q + q + q, i);
  const close = triple ? q + q + q : q;
  i += close.length;
  while (i < expr.length) {
    if (!raw && expr[i] === '\\') {
      i += 2;
      continue;
    }
    if (expr.startsWith(close, i)) return i + close.length;
    if (!triple && expr[i] === '\n') return i;
    i++;
  }
  return i;
}

/** A place in an expression: 0-based offset, 1-based line and column (cel-go counts the same way). */
export interface SourcePosition {
  offset: number;
  line: number;
  column: number;
}

export function positionAt(expr: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), expr.length);
  for (let i = 0; i < end; i++) {
    if (expr[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: end, line, column: end - lineStart + 1 };
}

/**
 * Formats an error the way cel-go does:
 * `ERROR: <input>:1:9: message\n | true && fals\n | ........^`.
 */
export function formatCelGoError(expr: string, pos: SourcePosition, message: string): string {
  const lines = expr.split('\n');
  const line = lines[pos.line - 1] ?? '';
  return `ERROR: <input>:${pos.line}:${pos.column}: ${message}\n | ${line}\n | ${'.'.repeat(pos.column - 1)}^`;
}
