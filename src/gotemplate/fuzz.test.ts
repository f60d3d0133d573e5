import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemplateExecError, TemplateParseError } from './errors.js';
import { pkoFuncs } from './funcs/index.js';
import type { FuncMap } from './funcs/registry.js';
import { parseTemplates } from './template.js';
import { fromJSON } from './value.js';

const limits = { maxSteps: 5_000, maxOutputBytes: 50_000, maxDepth: 40 };

const builtinNames = [
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'len',
  'index',
  'slice',
  'print',
  'printf',
  'println',
  'html',
  'js',
  'urlquery',
  'call',
];
const sprigNames = [
  'default',
  'toJson',
  'toYAML',
  'fromYAML',
  'quote',
  'upper',
  'trim',
  'list',
  'dict',
  'keys',
  'merge',
  'include',
  'indent',
  'nindent',
  'add',
  'int',
  'toString',
  'split',
  'join',
  'first',
  'semver',
  'regexFind',
  'b64dec',
  'dig',
  'hasKey',
  'empty',
  'coalesce',
  'ternary',
  'until',
];

const operand = fc.oneof(
  fc.constantFrom('.', '.a', '.b', '.a.b', '.l', '.n', '.s', '.nil', '.missing', '$', '$.a', '$x'),
  fc.constantFrom('1', '-2', '2.5', '0x10', "'c'", '1e3', '"s"', '`raw`', 'true', 'false', 'nil'),
  fc.integer({ min: -5, max: 300 }).map(String),
  fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)),
);

function pipeline(funcs: readonly string[]): fc.Arbitrary<string> {
  const { pipe } = fc.letrec<{ pipe: string; cmd: string; call: string; arg: string }>((tie) => ({
    arg: fc.oneof(
      { depthSize: 'small' },
      operand,
      tie('pipe').map((p) => `(${p})`),
    ),
    call: fc
      .tuple(fc.constantFrom(...funcs), fc.array(tie('arg'), { maxLength: 3 }))
      .map(([f, args]) => [f, ...args].join(' ')),
    cmd: fc.oneof(operand, tie('call')),
    // Later stages of a pipeline must be executable (functions), like Go requires.
    pipe: fc
      .tuple(tie('cmd'), fc.array(tie('call'), { maxLength: 2 }))
      .map(([first, rest]) => [first, ...rest].join(' | ')),
  }));
  return pipe;
}

function template(funcs: readonly string[]): fc.Arbitrary<string> {
  const pipe = pipeline(funcs);
  const decl = fc.constantFrom('', '', '$x := ', '$x = ');
  const action = fc.tuple(decl, pipe).map(([d, p]) => `{{ ${d}${p} }}`);
  const leaf = fc.oneof(
    fc.constantFrom('text ', '\n', '  ', '{{/* c */}}', '{{- " " -}}', '{{ template "d" . }}'),
    action,
    pipe.map((p) => `{{ template "d" ${p} }}`),
  );
  const { body } = fc.letrec<{ body: string; loop: string; item: string; loopItem: string }>(
    (tie) => ({
      item: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc
          .tuple(fc.constantFrom('if', 'with'), pipe, tie('body'), fc.option(tie('body')))
          .map(
            ([k, p, b, e]) => `{{ ${k} ${p} }}${b}${e === null ? '' : `{{ else }}${e}`}{{ end }}`,
          ),
        fc
          .tuple(
            fc.constantFrom('', '$v := ', '$i, $v := '),
            pipe,
            tie('loop'),
            fc.option(tie('body')),
          )
          .map(
            ([d, p, b, e]) =>
              `{{ range ${d}${p} }}${b}${e === null ? '' : `{{ else }}${e}`}{{ end }}`,
          ),
        fc
          .tuple(fc.nat(100_000), tie('body'))
          .map(([n, b]) => `{{ block "b${n}" . }}${b}{{ end }}`),
      ),
      loopItem: fc.oneof(tie('item'), fc.constantFrom('{{ break }}', '{{ continue }}')),
      body: fc.array(tie('item'), { maxLength: 4 }).map((items) => items.join('')),
      loop: fc.array(tie('loopItem'), { maxLength: 4 }).map((items) => items.join('')),
    }),
  );
  return fc.tuple(body, fc.option(body)).map(([b, d]) => {
    const main = `{{ $x := .a }}${b}`;
    return d === null ? main : `${main}{{ define "d" }}{{ $x := . }}${d}{{ end }}`;
  });
}

/** Random token soup: mostly invalid templates, for the lexer and parser. */
const soup = fc
  .array(
    fc.oneof(
      fc.constantFrom('{{', '}}', '{{-', '-}}', ' ', '.', '$', ':=', '=', '|', '(', ')', ',', '"'),
      fc.constantFrom('if', 'else', 'end', 'range', 'with', 'define', 'block', 'template', 'nil'),
      fc.constantFrom('/*', '*/', "'", '`', '\n', '-', '1', 'x', '.a', 'printf', 'é', '\u00a0'),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

const context = fc.oneof(
  fc.record({
    a: fc.jsonValue({ maxDepth: 2 }),
    b: fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    l: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 4 }),
    n: fc.double(),
    s: fc.string({ maxLength: 8 }),
    nil: fc.constant(null),
  }),
  fc.jsonValue({ maxDepth: 2 }),
);

function renderOrTypedError(text: string, data: unknown, funcs?: FuncMap): void {
  try {
    const set = parseTemplates({ t: text }, { funcs });
    for (const missingkey of ['error', 'default', 'zero'] as const) {
      try {
        const out = set.execute('t', fromJSON(JSON.parse(JSON.stringify(data)) as unknown), {
          missingkey,
          limits,
        });
        expect(typeof out).toBe('string');
      } catch (err) {
        if (!(err instanceof TemplateExecError)) throw err;
      }
    }
  } catch (err) {
    if (err instanceof TemplateParseError || err instanceof TemplateExecError) return;
    throw err;
  }
}

describe('fuzz: random templates and contexts fail only with typed template errors', () => {
  it('token soup (lexer and parser)', () => {
    fc.assert(
      fc.property(soup, (text) => renderOrTypedError(text, { a: 1 })),
      { numRuns: 500 },
    );
  });

  it('well-formed templates with the builtins', () => {
    fc.assert(
      fc.property(template(builtinNames), context, (text, data) => renderOrTypedError(text, data)),
      { numRuns: 500 },
    );
  });

  it('well-formed templates with Package Operator functions', () => {
    const funcs = pkoFuncs({ files: { 'a.txt': 'x' } });
    fc.assert(
      fc.property(template([...builtinNames, ...sprigNames]), context, (text, data) =>
        renderOrTypedError(text, data, funcs),
      ),
      { numRuns: 500 },
    );
  });
});
