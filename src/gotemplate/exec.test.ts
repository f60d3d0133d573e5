import { describe, expect, it } from 'vitest';
import { TemplateExecError, TemplateLimitError, TemplateParseError } from './errors.js';
import { defineFunc, type FuncMap } from './funcs/registry.js';
import { parseTemplates } from './template.js';
import type { MissingKey } from './api.js';
import { GoInt, fromJSON, goInt, type GoValue } from './value.js';

const ctxJSON = JSON.stringify({
  s: 'hello',
  n: 3,
  f: 2.5,
  t: true,
  nil: null,
  list: [1, 'a', null],
  empty: [],
  m: { b: 2, a: { c: 'deep' } },
  u: 'héllo',
  big: 1e21,
  ints: [3, 1, 2],
});
const ctx = (): GoValue => fromJSON(JSON.parse(ctxJSON));

type Want = { output: string } | { error: string; stage: 'parse' | 'exec' };

function run(template: string, missingkey: MissingKey, data: GoValue = ctx()): Want {
  try {
    const set = parseTemplates({ template });
    return { output: set.execute('template', data, { missingkey }) };
  } catch (err) {
    if (err instanceof TemplateParseError || err instanceof TemplateExecError) {
      return { error: err.message, stage: err.stage };
    }
    throw err;
  }
}

// Outputs and error texts recorded from Go 1.19 text/template (../shared/tools/gotemplate-oracle).
const cases: [string, MissingKey, Want][] = [
  ['{{ .s', 'error', { error: 'template: template:1: unclosed action', stage: 'parse' }],
  ['{{ end }}', 'error', { error: 'template: template:1: unexpected {{end}}', stage: 'parse' }],
  ['{{ if .t }}x', 'error', { error: 'template: template:1: unexpected EOF', stage: 'parse' }],
  [
    '{{ range $i, $v, $w := .list }}{{ end }}',
    'error',
    { error: 'template: template:1: too many declarations in range', stage: 'parse' },
  ],
  [
    '{{ nofunc 1 }}',
    'error',
    { error: 'template: template:1: function "nofunc" not defined', stage: 'parse' },
  ],
  ['{{ $x }}', 'error', { error: 'template: template:1: undefined variable "$x"', stage: 'parse' }],
  [
    '{{ "unterminated }}',
    'error',
    { error: 'template: template:1: unterminated quoted string', stage: 'parse' },
  ],
  ['{{ 08 }}', 'error', { error: 'template: template:1: integer overflow: "08"', stage: 'parse' }],
  [
    '{{ 1e400 }}',
    'error',
    { error: 'template: template:1: illegal number syntax: "1e400"', stage: 'parse' },
  ],
  [
    '{{ .s | 3 }}',
    'error',
    { error: 'template: template:1: non executable command in pipeline stage 2', stage: 'parse' },
  ],
  ['{{ (1 }}', 'error', { error: 'template: template:1: unclosed left paren', stage: 'parse' }],
  [
    '{{ 1) }}',
    'error',
    { error: 'template: template:1: unexpected ")" in command', stage: 'parse' },
  ],
  [
    '{{ break }}',
    'error',
    { error: 'template: template:1: {{break}} outside {{range}}', stage: 'parse' },
  ],
  ['{{ else }}', 'error', { error: 'template: template:1: unexpected {{else}}', stage: 'parse' }],
  ['{{ define "a" }}x', 'error', { error: 'template: template:1: unexpected EOF', stage: 'parse' }],
  [
    '{{ .s. }}',
    'error',
    { error: 'template: template:1: unexpected <.> in operand', stage: 'parse' },
  ],
  [
    '{{ # }}',
    'error',
    { error: 'template: template:1: unexpected "#" in command', stage: 'parse' },
  ],
  [
    '{{ $x := }}',
    'error',
    { error: 'template: template:1: missing value for command', stage: 'parse' },
  ],
  [
    '{{ 3.a }}',
    'error',
    { error: 'template: template:1: bad number syntax: "3.a"', stage: 'parse' },
  ],
  [
    '{{ "x".y }}',
    'error',
    { error: 'template: template:1: unexpected . after term "\\"x\\""', stage: 'parse' },
  ],
  [
    '{{ template x }}',
    'error',
    { error: 'template: template:1: unexpected "x" in template clause', stage: 'parse' },
  ],
  [
    '{{ if }}{{ end }}',
    'error',
    { error: 'template: template:1: missing value for if', stage: 'parse' },
  ],
  [
    "{{ 'ab' }}",
    'error',
    { error: "template: template:1: malformed character constant: 'ab'", stage: 'parse' },
  ],
  [
    '{{ `a` | }}{{ end }}',
    'error',
    { error: 'template: template:1: unexpected {{end}}', stage: 'parse' },
  ],
  [
    '{{/* x */ }}',
    'error',
    { error: 'template: template:1: comment ends before closing delimiter', stage: 'parse' },
  ],
  [
    '{{ .s }}{{ /* c */ }}',
    'error',
    { error: 'template: template:1: unexpected "/" in command', stage: 'parse' },
  ],
  [
    '{{ define "a" }}1{{ end }}{{ define "a" }}2{{ end }}',
    'error',
    {
      error: 'template: template:1: template: multiple definition of template "a"',
      stage: 'parse',
    },
  ],
  [
    '{{ with $x := 1 }}{{ $x }}{{ end }}{{ $x }}',
    'error',
    { error: 'template: template:1: undefined variable "$x"', stage: 'parse' },
  ],
  [
    '{{ .missing }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <.missing>: map has no entry for key "missing"',
      stage: 'exec',
    },
  ],
  ['{{ .missing }}', 'default', { output: '<no value>' }],
  [
    '{{ .m.a.c.d }}',
    'error',
    {
      error:
        'template: template:1:5: executing "template" at <.m.a.c.d>: can\'t evaluate field d in type interface {}',
      stage: 'exec',
    },
  ],
  [
    '{{ .nil.x }}',
    'error',
    {
      error:
        'template: template:1:7: executing "template" at <.nil.x>: nil pointer evaluating interface {}.x',
      stage: 'exec',
    },
  ],
  [
    '{{ .s.x }}',
    'error',
    {
      error:
        'template: template:1:5: executing "template" at <.s.x>: can\'t evaluate field x in type interface {}',
      stage: 'exec',
    },
  ],
  [
    '{{ eq .n 3 }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <eq .n 3>: error calling eq: incompatible types for comparison',
      stage: 'exec',
    },
  ],
  [
    '{{ lt .n 3 }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <lt .n 3>: error calling lt: incompatible types for comparison',
      stage: 'exec',
    },
  ],
  [
    '{{ eq 1 1.0 }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <eq 1 1.0>: error calling eq: incompatible types for comparison',
      stage: 'exec',
    },
  ],
  [
    '{{ index .list .n }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <index .list .n>: error calling index: cannot index slice/array with type float64',
      stage: 'exec',
    },
  ],
  [
    '{{ index .list 5 }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <index .list 5>: error calling index: index out of range: 5',
      stage: 'exec',
    },
  ],
  [
    '{{ index .list 3 }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <index .list 3>: error calling index: reflect: slice index out of range',
      stage: 'exec',
    },
  ],
  [
    '{{ len .n }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <len .n>: error calling len: len of type float64',
      stage: 'exec',
    },
  ],
  [
    '{{ len .nil }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <len .nil>: error calling len: len of nil pointer',
      stage: 'exec',
    },
  ],
  [
    '{{ len .missing }}',
    'error',
    {
      error:
        'template: template:1:7: executing "template" at <.missing>: map has no entry for key "missing"',
      stage: 'exec',
    },
  ],
  [
    '{{ len .missing }}',
    'default',
    {
      error:
        'template: template:1:3: executing "template" at <len .missing>: error calling len: reflect: call of reflect.Value.Type on zero Value',
      stage: 'exec',
    },
  ],
  [
    '{{ len .missing }}',
    'zero',
    {
      error:
        'template: template:1:3: executing "template" at <len .missing>: error calling len: len of nil pointer',
      stage: 'exec',
    },
  ],
  [
    '{{ nil }}',
    'error',
    {
      error: 'template: template:1:3: executing "template" at <nil>: nil is not a command',
      stage: 'exec',
    },
  ],
  [
    '{{ $x = 1 }}',
    'error',
    {
      error: 'template: template:1:8: executing "template" at <1>: undefined variable: $x',
      stage: 'exec',
    },
  ],
  [
    '{{ template "nope" }}',
    'error',
    {
      error:
        'template: template:1:12: executing "template" at <{{template "nope"}}>: template "nope" not defined',
      stage: 'exec',
    },
  ],
  [
    '{{ .s 1 }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <.s>: s is not a method but has arguments',
      stage: 'exec',
    },
  ],
  [
    '{{ 1 2 }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <1>: can\'t give argument to non-function 1',
      stage: 'exec',
    },
  ],
  [
    '{{ printf 1 }}',
    'error',
    {
      error: 'template: template:1:10: executing "template" at <1>: expected string; found 1',
      stage: 'exec',
    },
  ],
  [
    '{{ printf .nil }}',
    'error',
    {
      error:
        'template: template:1:10: executing "template" at <.nil>: wrong type for value; expected string; got interface {}',
      stage: 'exec',
    },
  ],
  [
    '{{ range .n }}{{ end }}',
    'error',
    {
      error: 'template: template:1:9: executing "template" at <.n>: range can\'t iterate over 3',
      stage: 'exec',
    },
  ],
  [
    '{{ index .m 1 }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <index .m 1>: error calling index: value has type int; should be string',
      stage: 'exec',
    },
  ],
  [
    '{{ index nil 1 }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <index nil 1>: error calling index: index of untyped nil',
      stage: 'exec',
    },
  ],
  [
    '{{ call .s }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <call .s>: error calling call: non-function of type string',
      stage: 'exec',
    },
  ],
  [
    '{{ lt true false }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <lt true false>: error calling lt: invalid type for comparison',
      stage: 'exec',
    },
  ],
  [
    '{{ eq .list .list }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <eq .list .list>: error calling eq: non-comparable type [%!s(float64=1) a <nil>]: []interface {}',
      stage: 'exec',
    },
  ],
  [
    '{{ not }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <not>: wrong number of args for not: want 1 got 0',
      stage: 'exec',
    },
  ],
  [
    '{{ and }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <and>: wrong number of args for and: want at least 1 got 0',
      stage: 'exec',
    },
  ],
  [
    '{{ 99999999999999999999 }}',
    'error',
    { error: 'template: template:1: integer overflow: "99999999999999999999"', stage: 'parse' },
  ],
  ['{{ print 0x7fffffffffffffff }}', 'error', { output: '9223372036854775807' }],
  [
    '{{ .m.b.c }}',
    'error',
    {
      error:
        'template: template:1:5: executing "template" at <.m.b.c>: can\'t evaluate field c in type interface {}',
      stage: 'exec',
    },
  ],
  [
    '{{ (.missing).x }}',
    'error',
    {
      error:
        'template: template:1:4: executing "template" at <.missing>: map has no entry for key "missing"',
      stage: 'exec',
    },
  ],
  ['{{ (.missing).x }}', 'default', { output: '<no value>' }],
  [
    '{{ index .s 9 }}',
    'error',
    {
      error:
        'template: template:1:3: executing "template" at <index .s 9>: error calling index: index out of range: 9',
      stage: 'exec',
    },
  ],
  [
    '{{ .s }} {{ .n }} {{ .f }} {{ .t }} {{ .nil }} {{ .list }} {{ .m }} {{ .big }}',
    'error',
    { output: 'hello 3 2.5 true <no value> [1 a <nil>] map[a:map[c:deep] b:2] 1e+21' },
  ],
  [
    '{{ range $i, $v := .list }}[{{ $i }}:{{ $v }}]{{ end }}',
    'error',
    { output: '[0:1][1:a][2:<no value>]' },
  ],
  [
    '{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}',
    'error',
    { output: 'a=map[c:deep];b=2;' },
  ],
  ['{{ range .empty }}x{{ else }}none{{ end }}', 'error', { output: 'none' }],
  [
    '{{ range .missing }}x{{ else }}none{{ end }}',
    'error',
    {
      error:
        'template: template:1:9: executing "template" at <.missing>: map has no entry for key "missing"',
      stage: 'exec',
    },
  ],
  ['{{ range .missing }}x{{ else }}none{{ end }}', 'default', { output: 'none' }],
  ['{{ if .t }}a{{ else if .n }}b{{ else }}c{{ end }}', 'error', { output: 'a' }],
  ['{{ with .m.a }}{{ .c }}{{ else }}no{{ end }}', 'error', { output: 'deep' }],
  ['{{ with .empty }}x{{ else }}{{ .s }}{{ end }}', 'error', { output: 'hello' }],
  [
    '{{ range .ints }}{{ if eq . 1.0 }}{{ continue }}{{ end }}{{ if eq . 2.0 }}{{ break }}{{ end }}{{ . }}{{ end }}',
    'error',
    { output: '3' },
  ],
  ['{{ $x := 1 }}{{ if .t }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}', 'error', { output: '2' }],
  [
    '{{ and .t .n }} {{ and .t .nil .missing }} {{ or .nil 0 "" }} {{ or .nil .s }} {{ not .empty }}',
    'error',
    { output: '3 <no value>  hello true' },
  ],
  [
    '{{ eq .s "hello" "x" }} {{ ne .n 3.0 }} {{ le 1 2 }} {{ gt "b" "a" }} {{ ge .f 2.5 }}',
    'error',
    { output: 'true false true true true' },
  ],
  [
    '{{ html "<a href=\'x\'>&\\"" }} {{ js "<\'\\"\\\\=&>\\n\\té" }} {{ urlquery "a b/c?d=é" }}',
    'error',
    {
      output:
        '&lt;a href=&#39;x&#39;&gt;&amp;&#34; \\u003C\\\'\\"\\\\\\u003D\\u0026\\u003E\\u000A\\u0009é a+b%2Fc%3Fd%3D%C3%A9',
    },
  ],
  [
    '{{ html .nil }} {{ print .nil }} {{ println .s .n }}{{ print "a" 1 2 "b" 3.5 .nil }}',
    'error',
    { output: '&lt;no value&gt; <nil> hello 3\na1 2b3.5 <nil>' },
  ],
  [
    '{{ define "t2" }}[{{ . }}]{{ end }}{{ template "t2" .n }}{{ template "t2" }}{{ block "b" .s }}<{{ . }}>{{ end }}',
    'error',
    { output: '[3][<no value>]<hello>' },
  ],
  ['{{- "a" -}}  \n  {{- "b" }}  {{- /* c */ -}}  c', 'error', { output: 'abc' }],
  [
    '{{ $ }}',
    'error',
    {
      output:
        'map[big:1e+21 empty:[] f:2.5 ints:[3 1 2] list:[1 a <nil>] m:map[a:map[c:deep] b:2] n:3 nil:<nil> s:hello t:true u:héllo]',
    },
  ],
  ['{{ $.s }} {{ range .list }}{{ $.n }}{{ end }}', 'error', { output: 'hello 333' }],
  ['{{ (printf "%s" .s) | printf "%q" }}', 'error', { output: '"hello"' }],
  ['{{ .s | printf "%s-%s" "x" }}', 'error', { output: 'x-hello' }],
  [
    "{{ 'a' }} {{ 0x1F }} {{ 1_000 }} {{ 0o17 }} {{ 0b101 }} {{ 1e3 }} {{ .5 }} {{ -0 }} {{ 4.0 }} {{ 1e6 }}",
    'error',
    { output: '97 31 1000 15 5 1000 0.5 0 4 1e+06' },
  ],
  ['{{ printf "%T %T %T %T" 1 1.0 "a" \'a\' }}', 'error', { output: 'int float64 string int' }],
  ['{{ print nil }}', 'error', { output: '<nil>' }],
  ['{{ if and .t (not .nil) }}yes{{ end }}', 'error', { output: 'yes' }],
  ['{{ range $i, $e := .m }}{{ $i }}{{ end }}', 'error', { output: 'ab' }],
  ['{{ with $x := .s }}{{ $x }}{{ . }}{{ end }}', 'error', { output: 'hellohello' }],
  ['{{ $x := .list }}{{ index $x 1 }}', 'error', { output: 'a' }],
  ['{{ range .list }}{{ . }},{{ end }}', 'error', { output: '1,a,<no value>,' }],
  ['{{ .nil | print }}', 'error', { output: '<nil>' }],
  [
    '{{ eq .nil .missing }}',
    'error',
    {
      error:
        'template: template:1:11: executing "template" at <.missing>: map has no entry for key "missing"',
      stage: 'exec',
    },
  ],
  ['{{ eq .nil .missing }}', 'default', { output: 'true' }],
  ['{{ eq .nil 1 }}', 'error', { output: 'false' }],
  ['{{ index .list 2 }}', 'error', { output: '<no value>' }],
  ['{{ len "" }}{{ len .empty }}', 'error', { output: '00' }],
];

describe('templates render byte-identical to Go', () => {
  it.each(cases)('%s (missingkey=%s)', (template, missingkey, want) => {
    expect(run(template, missingkey)).toEqual(want);
  });
});

describe('newer Go features Package Operator accepts', () => {
  it('ranges over an integer (Go 1.22)', () => {
    expect(
      run('{{ range 3 }}{{ . }}{{ end }}|{{ range $i := 2 }}{{ $i }}{{ end }}', 'error'),
    ).toEqual({
      output: '012|01',
    });
  });

  it('chains else with (Go 1.23)', () => {
    const t = '{{ with .nil }}a{{ else with .s }}{{ . }}{{ else }}c{{ end }}';
    expect(run(t, 'error')).toEqual({ output: 'hello' });
  });
});

describe('template sets', () => {
  it('parses files in name order: a later define replaces an earlier one, an empty one does not', () => {
    const set = parseTemplates({
      'b.gotmpl': '{{ define "x" }}from b{{ end }}{{ define "y" }}  {{ end }}',
      'a.gotmpl': '{{ define "x" }}from a{{ end }}{{ define "y" }}kept{{ end }}',
      'main.gotmpl': '{{ template "x" }} {{ template "y" }}',
    });
    expect(set.execute('main.gotmpl', null)).toBe('from b kept');
    expect(set.names).toEqual(['a.gotmpl', 'b.gotmpl', 'main.gotmpl', 'x', 'y']);
  });

  it('reports errors inside a define with the file name and the defined template name', () => {
    const set = parseTemplates({
      '_helpers.tpl': '{{ define "name" }}\n  {{ .app.name }}{{ end }}',
      'deploy.yaml.gotmpl': 'name: {{ template "name" .config }}',
    });
    expect(() => set.execute('deploy.yaml.gotmpl', fromJSON({ config: { app: {} } }))).toThrow(
      'template: _helpers.tpl:2:9: executing "name" at <.app.name>: map has no entry for key "name"',
    );
  });

  it('fails the whole set when one file does not parse', () => {
    expect(() => parseTemplates({ 'ok.gotmpl': 'x', 'bad.gotmpl': '{{ if }}' })).toThrow(
      new TemplateParseError('template: bad.gotmpl:1: missing value for if', 'bad.gotmpl', 1),
    );
  });

  it('is reusable: executions do not share variables or state', () => {
    const set = parseTemplates({ t: '{{ $x := .n }}{{ $x }}' });
    expect(set.execute('t', fromJSON({ n: 1 }))).toBe('1');
    expect(set.execute('t', fromJSON({ n: 2 }))).toBe('2');
  });

  it('rejects an unknown template name with an exec error', () => {
    expect(() => parseTemplates({ t: 'x' }).execute('nope', null)).toThrow(TemplateExecError);
  });
});

describe('functions (FuncMap contract)', () => {
  const funcs: FuncMap = {
    repeat: defineFunc(['int', 'string'], ([n, s]) =>
      (s as string).repeat((n as GoInt).toNumber()),
    ),
    join: defineFunc(
      ['string'],
      ([sep, ...rest]) => (rest as string[]).join(sep as string),
      'string',
    ),
    fail: defineFunc(['string'], ([msg]) => {
      throw new Error(msg as string);
    }),
    include: defineFunc(['string', 'interface {}'], ([name, data], env) =>
      env.executeTemplate(name as string, data ?? null),
    ),
    kind: defineFunc(['interface {}'], ([v]) => (v instanceof GoInt ? v.kind : typeof v)),
  };
  const render = (t: string, data: GoValue = ctx()): string =>
    parseTemplates({ t, 'helper.tpl': '{{ define "h" }}<{{ . }}>{{ end }}' }, { funcs }).execute(
      't',
      data,
    );

  it('converts untyped constants to the parameter type and checks computed values', () => {
    expect(render('{{ repeat 2 "ab" }} {{ repeat 2.0 "c" }}')).toBe('abab cc');
    expect(() => render('{{ repeat 2.5 "c" }}')).toThrow('expected integer; found 2.5');
    expect(() => render('{{ repeat .n "c" }}')).toThrow(
      'template: t:1:10: executing "t" at <.n>: wrong type for value; expected int; got float64',
    );
    expect(render('{{ kind 1 }} {{ kind 1.5 }} {{ kind "x" }}')).toBe('int number string');
  });

  it('passes variadic arguments and the piped value last', () => {
    expect(render('{{ join "-" "a" "b" }} {{ "z" | join "+" "y" }}')).toBe('a-b y+z');
    expect(() => render('{{ join }}')).toThrow(
      'wrong number of args for join: want at least 1 got 0',
    );
  });

  it("reports a thrown error as Go's `error calling`", () => {
    expect(() => render('{{ fail "boom" }}')).toThrow(
      'template: t:1:3: executing "t" at <fail "boom">: error calling fail: boom',
    );
  });

  it('ranges over a snapshot of a map that a function changes inside the loop (Go fmtsort)', () => {
    const set = defineFunc(['map[string]interface {}', 'string', 'interface {}'], ([m, k, v]) => {
      (m as Record<string, GoValue>)[k as string] = v;
      return m;
    });
    const t =
      '{{ range $k, $v := .m }}{{ $_ := set $.m "b" 9 }}{{ $k }}={{ $v }};{{ end }}{{ .m.b }}';
    const out = parseTemplates({ t }, { funcs: { set } }).execute(
      't',
      fromJSON({ m: { a: 1, b: 2 } }),
    );
    expect(out).toBe('a=1;b=2;9');
  });

  it('lets a function execute a named template of the set', () => {
    expect(render('{{ include "h" .s | printf "%s!" }}')).toBe('<hello>!');
  });

  it('lets execute-time functions replace parse-time ones', () => {
    const set = parseTemplates(
      { t: '{{ who }}' },
      { funcs: { who: defineFunc([], () => 'parse') } },
    );
    expect(set.execute('t', null, { funcs: { who: defineFunc([], () => 'exec') } })).toBe('exec');
    expect(set.execute('t', null)).toBe('parse');
  });

  it('does not see Object.prototype members as functions', () => {
    expect(() => parseTemplates({ t: '{{ toString 1 }}' })).toThrow(
      'function "toString" not defined',
    );
  });
});

describe('resource limits', () => {
  it('stops a runaway loop at the step limit', () => {
    const set = parseTemplates({ t: '{{ range 1000000 }}{{ range 1000000 }}{{ end }}{{ end }}' });
    const err = (() => {
      try {
        set.execute('t', null, { limits: { maxSteps: 10_000 } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(TemplateLimitError);
    expect((err as TemplateLimitError).limit).toBe('steps');
  });

  it('stops output growth at the output limit', () => {
    const set = parseTemplates({ t: '{{ range 100000 }}0123456789{{ end }}' });
    expect(() => set.execute('t', null, { limits: { maxOutputBytes: 1000 } })).toThrow(
      /output exceeded the size limit \(1000 bytes\)/,
    );
  });

  it('stops infinite template recursion with a depth error', () => {
    const set = parseTemplates({
      t: '{{ define "loop" }}{{ template "loop" . }}{{ end }}{{ template "loop" }}',
    });
    expect(() => set.execute('t', null)).toThrow(
      'template: t:1:31: executing "loop" at <{{template "loop" .}}>: exceeded maximum template depth (1000)',
    );
  });

  it('counts function-driven recursion (include) against the depth limit', () => {
    const include = defineFunc(['string', 'interface {}'], ([n, d], env) =>
      env.executeTemplate(n as string, d ?? null),
    );
    const set = parseTemplates(
      { t: '{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" 1 }}' },
      { funcs: { include } },
    );
    expect(() => set.execute('t', null, { limits: { maxDepth: 50 } })).toThrow(TemplateLimitError);
  });
});

describe('values', () => {
  it('keeps ints exact beyond 2^53', () => {
    const big = goInt(9007199254740993n, 'int64');
    expect(parseTemplates({ t: '{{ . }} {{ printf "%x" . }}' }).execute('t', big)).toBe(
      '9007199254740993 20000000000001',
    );
  });
});

describe('strings are bytes, like Go', () => {
  it('keeps invalid UTF-8 bytes through slicing, quoting and concatenation', () => {
    // Go's builtin slice cuts strings by bytes; printf/len/print see the bytes.
    const t =
      '{{ printf "%q %x" "\\xff" "\\xff" }} {{ slice "é" 0 1 | len }} {{ print "\\xc3" "\\xa9" }} {{ slice "é" 0 1 | printf "%q" }}';
    expect(run(t, 'error')).toEqual({ output: '"\\xff" ff 1 é "\\xc3"' });
  });

  it('returns valid text: a byte that stays invalid is printed as U+FFFD', () => {
    expect(run('{{ "a\\xffb" }}', 'error')).toEqual({ output: 'a\ufffdb' });
  });
});
