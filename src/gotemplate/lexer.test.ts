import { describe, expect, it } from 'vitest';
import { T, lex, type TokenType } from './lexer.js';

const names = new Map<TokenType, string>(
  Object.entries(T).map(([k, v]) => [v, k] as [TokenType, string]),
);

/** Tokens as `type:value` strings, spaces dropped. */
function tokens(text: string): string[] {
  return lex(text)
    .filter((t) => t.type !== T.space)
    .map((t) => `${names.get(t.type)}:${t.val}`);
}

describe('lexer', () => {
  it.each<[string, string[]]>([
    ['a {{ .b }} c', ['text:a ', 'leftDelim:{{', 'field:.b', 'rightDelim:}}', 'text: c', 'eof:']],
    // A trim marker needs a space (or tab/newline) after `{{-`; `{{-3` is the number -3.
    ['x {{-3}} y', ['text:x ', 'leftDelim:{{', 'number:-3', 'rightDelim:}}', 'text: y', 'eof:']],
    [
      'x \n{{- 3 -}}\t\n y',
      ['text:x', 'leftDelim:{{', 'number:3', 'rightDelim:}}', 'text:y', 'eof:'],
    ],
    // A non-breaking space is not trimmed.
    ['x\u00a0{{- 1 }}', ['text:x\u00a0', 'leftDelim:{{', 'number:1', 'rightDelim:}}', 'eof:']],
    ['a {{- /* c */ -}} b', ['text:a', 'text:b', 'eof:']],
    [
      '{{ $x := .a.b | printf "%d" }}',
      [
        'leftDelim:{{',
        'variable:$x',
        'declare::=',
        'field:.a',
        'field:.b',
        'pipe:|',
        'identifier:printf',
        'string:"%d"',
        'rightDelim:}}',
        'eof:',
      ],
    ],
    [
      "{{ 'a' 1.5e3 0x1F 1_000 2i `r` true nil . $ }}",
      [
        'leftDelim:{{',
        "charConstant:'a'",
        'number:1.5e3',
        'number:0x1F',
        'number:1_000',
        'number:2i',
        'string:`r`'.replace('string', 'rawString'),
        'bool:true',
        'nil:nil',
        'dot:.',
        'variable:$',
        'rightDelim:}}',
        'eof:',
      ],
    ],
    [
      '{{ if }}{{ else }}{{ end }}{{ range }}{{ break }}{{ continue }}{{ with }}{{ define }}{{ template }}{{ block }}',
      [
        'leftDelim:{{',
        'if:if',
        'rightDelim:}}',
        'leftDelim:{{',
        'else:else',
        'rightDelim:}}',
        'leftDelim:{{',
        'end:end',
        'rightDelim:}}',
        'leftDelim:{{',
        'range:range',
        'rightDelim:}}',
        'leftDelim:{{',
        'break:break',
        'rightDelim:}}',
        'leftDelim:{{',
        'continue:continue',
        'rightDelim:}}',
        'leftDelim:{{',
        'with:with',
        'rightDelim:}}',
        'leftDelim:{{',
        'define:define',
        'rightDelim:}}',
        'leftDelim:{{',
        'template:template',
        'rightDelim:}}',
        'leftDelim:{{',
        'block:block',
        'rightDelim:}}',
        'eof:',
      ],
    ],
  ])('%j', (text, want) => {
    expect(tokens(text)).toEqual(want);
  });

  it.each([
    ['{{ "abc }}', 'unterminated quoted string'],
    ['{{ `abc }}', 'unterminated raw quoted string'],
    ['{{/* x }}', 'unclosed comment'],
    ['{{ .a', 'unclosed action'],
    ['{{ ( }}', 'unclosed left paren'],
    ['{{ ) }}', "unexpected right paren U+0029 ')'"],
    ['{{ 3k }}', 'bad number syntax: "3k"'],
    ['{{ \u00e9\u0301 }}', "bad character U+0301 '\u0301'"],
  ])('reports %j', (text, message) => {
    const toks = lex(text);
    const last = toks[toks.length - 1]!;
    expect(last.type).toBe(T.error);
    expect(last.val).toBe(message);
  });

  it('does not treat break/continue as keywords when functions of that name exist', () => {
    expect(lex('{{ break }}', '{{', '}}', false, false).map((t) => names.get(t.type))).toContain(
      'identifier',
    );
  });
});
