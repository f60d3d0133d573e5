/**
 * gobwas/glob patterns with `/` as the separator, as Package Operator's getFileGlob compiles
 * them: `*` any run of non-separators, `**` anything, `?` one non-separator, `[abc]`, `[a-z]`,
 * `[!abc]`, `{a,b}` alternatives (nestable), `\` escapes the next character.
 */

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** Compiles a glob to an anchored RegExp; throws on an unclosed `[` or `{`. */
export function compileGlob(pattern: string): RegExp {
  const chars = [...pattern];
  let i = 0;
  const parse = (inBraces: boolean): string => {
    let out = '';
    while (i < chars.length) {
      const c = chars[i]!;
      if (inBraces && (c === ',' || c === '}')) return out;
      i++;
      if (c === '\\') {
        const next = chars[i++];
        if (next === undefined) throw new Error('unexpected end of input after escape');
        out += escapeRegExp(next);
      } else if (c === '*') {
        if (chars[i] === '*') {
          while (chars[i] === '*') i++;
          out += '.*';
        } else out += '[^/]*';
      } else if (c === '?') out += '[^/]';
      else if (c === '[') {
        let negate = false;
        if (chars[i] === '!') {
          negate = true;
          i++;
        }
        let cls = '';
        for (;;) {
          const d = chars[i++];
          if (d === undefined) throw new Error('unexpected end of input: unclosed [');
          if (d === ']') break;
          if (chars[i] === '-' && chars[i + 1] !== undefined && chars[i + 1] !== ']') {
            cls += `${escapeRegExp(d)}-${escapeRegExp(chars[i + 1]!)}`;
            i += 2;
          } else cls += escapeRegExp(d);
        }
        out += negate ? `[^/${cls}]` : `[${cls}]`;
      } else if (c === '{') {
        const alternatives: string[] = [];
        for (;;) {
          alternatives.push(parse(true));
          const d = chars[i++];
          if (d === undefined) throw new Error('unexpected end of input: unclosed {');
          if (d === '}') break;
        }
        out += `(?:${alternatives.join('|')})`;
      } else out += escapeRegExp(c);
    }
    if (inBraces) throw new Error('unexpected end of input: unclosed {');
    return out;
  };
  return new RegExp(`^${parse(false)}$`, 'su');
}
